//! Custom fields as an odbc-api user sees them on the sandbox's Pipedrive account: columns named
//! after the fields (a name a built-in column has gets `_custom`, fields of one name their keys),
//! typed from the field types, option ids shown as labels; the definitions read once per
//! connection, only when a table is first used or its columns listed, and not at all with
//! `CustomFields=FALSE`. Their values over every record are checked by the data-driven suite
//! (`rest_tables.rs`).

use std::collections::BTreeMap;

use crate::harness::{query_text, rows_as_text, scalar_text};
use crate::sandbox::{counting, counting_guard, profile};

/// (COLUMN_NAME, TYPE_NAME, REMARKS) of a table's columns, in order.
fn columns(conn: &odbc_api::Connection<'_>, table: &str) -> Vec<(String, String, String)> {
    let mut stmt = conn.preallocate().expect("a statement");
    let mut cursor = stmt
        .columns_cursor("", "pipedrive", table, "")
        .expect("SQLColumns");
    rows_as_text(&mut cursor)
        .into_iter()
        .map(|r| {
            (
                r[3].clone().unwrap_or_default(),
                r[5].clone().unwrap_or_default(),
                r[11].clone().unwrap_or_default(),
            )
        })
        .collect()
}

/// The field-definition paths the sandbox was asked for since the last reset.
fn definition_requests(sb: &crate::sandbox::Sandbox) -> Vec<String> {
    sb.stats()
        .into_iter()
        .map(|r| r.path)
        .filter(|p| p.ends_with("Fields"))
        .collect()
}

#[test]
fn custom_fields_are_columns_named_after_the_fields() {
    let sb = crate::sandbox::clean();
    let conn = sb.connect("pipedrive");
    let cols = columns(&conn, "persons");
    let own = profile("pipedrive").table("persons").columns().len();
    let custom: BTreeMap<&str, (&str, &str)> = cols[own..]
        .iter()
        .map(|(n, t, r)| (n.as_str(), (t.as_str(), r.as_str())))
        .collect();
    for (name, type_name, field) in [
        ("tier", "VARCHAR", "'Tier' (enum"),
        ("interests", "TEXT", "'Interests' (set"),
        ("contract_value", "DOUBLE", "'Contract value' (monetary"),
        (
            "contract_value_currency",
            "VARCHAR",
            "'Contract value' (monetary",
        ),
        ("score", "DOUBLE", "'Score' (double"),
        ("renewal_date", "DATE", "'Renewal date' (date"),
        (
            "contract_period_until",
            "DATE",
            "'Contract period' (daterange",
        ),
        ("account_manager", "BIGINT", "'Account manager' (user"),
        (
            "billing_address_formatted_address",
            "VARCHAR",
            "'Billing address'",
        ),
        // Named like the built-in `name` column.
        ("name_custom", "VARCHAR", "'Name' (varchar"),
    ] {
        let (t, remarks) = custom
            .get(name)
            .unwrap_or_else(|| panic!("no custom column {name} among {custom:?}"));
        assert_eq!(*t, type_name, "{name}");
        assert!(
            remarks.starts_with(&format!("Custom field {field}")) && remarks.contains("key "),
            "{name}: {remarks}"
        );
    }
    // Two fields called Region: each column carries its field's key, whatever the order.
    let regions: Vec<(&str, &str)> = custom
        .iter()
        .filter(|(_, (_, r))| r.starts_with("Custom field 'Region'"))
        .map(|(n, (_, r))| (*n, *r))
        .collect();
    assert_eq!(regions.len(), 2, "{regions:?}");
    for (name, remarks) in regions {
        let key = remarks.rsplit("key ").next().unwrap_or_default();
        assert_eq!(name, format!("region_{}", &key[..8]), "{remarks}");
    }
    // The built-in `name` is still the person's name.
    let names = query_text(&conn, "SELECT name, name_custom FROM persons WHERE id = 1");
    assert_ne!(names[0][0], names[0][1]);
    // Option ids arrive as labels, and the engine filters and groups on them.
    let tiers = query_text(
        &conn,
        "SELECT DISTINCT tier FROM persons WHERE tier IS NOT NULL ORDER BY tier",
    );
    assert_eq!(
        tiers,
        [["Bronze"], ["Gold"], ["Silver"]].map(|r| vec![Some(r[0].to_string())])
    );
    let interests = scalar_text(
        &conn,
        "SELECT interests FROM persons WHERE interests IS NOT NULL LIMIT 1",
    )
    .expect("a person with interests");
    let parsed: Vec<String> = serde_json::from_str(&interests).expect("a JSON array");
    assert!(parsed
        .iter()
        .all(|i| ["Golf", "Wine", "Technology", "Travel"].contains(&i.as_str())));
}

#[test]
fn definitions_are_read_once_when_a_table_is_first_used_or_listed() {
    let sb = counting();
    let _guard = counting_guard();
    sb.reset();
    let conn = sb.connect("pipedrive");
    assert_eq!(definition_requests(sb), Vec::<String>::new(), "at connect");
    query_text(&conn, "SELECT count(*) FROM activities");
    assert_eq!(
        definition_requests(sb),
        Vec::<String>::new(),
        "a table without custom fields"
    );
    query_text(&conn, "SELECT id, tier FROM persons WHERE id = 3");
    query_text(&conn, "SELECT count(*) FROM persons WHERE tier = 'Gold'");
    assert_eq!(
        definition_requests(sb),
        ["/pipedrive/api/v1/personFields"],
        "first use, then none"
    );
    // The request is the statement's, in sys.sys_requests as in the API's log.
    let logged = query_text(
        &conn,
        "SELECT StatementId FROM sys.sys_requests WHERE RequestUrl LIKE '%personFields%'",
    );
    // Statement 1 read activities; statement 2 first used persons.
    assert_eq!(logged, [[Some("2".to_string())]]);
    columns(&conn, "deals");
    columns(&conn, "deals");
    assert_eq!(
        definition_requests(sb),
        [
            "/pipedrive/api/v1/personFields",
            "/pipedrive/api/v1/dealFields"
        ],
        "SQLColumns lists a table's custom fields"
    );
    let listed = scalar_text(
        &conn,
        "SELECT count(*) FROM sys.sys_tablecolumns WHERE TableName = 'organizations' \
         AND Description LIKE 'Custom field%'",
    );
    assert_eq!(listed.as_deref(), Some("3"));
    // One list per definitions table the profile names (deals and leads share deal_fields).
    let mut lists: Vec<String> = profile("pipedrive").doc["table"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|t| {
            Some(
                t.get("custom_fields")?
                    .get("definitions")?
                    .as_str()?
                    .to_owned(),
            )
        })
        .collect();
    lists.sort();
    lists.dedup();
    assert_eq!(
        definition_requests(sb).len(),
        lists.len(),
        "sys_tablecolumns lists every table's: {lists:?}"
    );
}

#[test]
fn custom_fields_false_shows_the_built_in_columns_and_reads_no_definition() {
    let sb = counting();
    let _guard = counting_guard();
    sb.reset();
    let conn = sb.connect_with("pipedrive", "CustomFields=FALSE");
    let cols = columns(&conn, "persons");
    let own: Vec<String> = profile("pipedrive")
        .table("persons")
        .columns()
        .into_iter()
        .map(|c| c.name)
        .collect();
    assert_eq!(
        cols.into_iter().map(|c| c.0).collect::<Vec<_>>(),
        own,
        "SQLColumns"
    );
    query_text(&conn, "SELECT * FROM persons WHERE id = 2");
    assert_eq!(definition_requests(sb), Vec::<String>::new());
}
