//! Every table of every built-in profile against the sandbox, as an odbc-api user sees it: listed
//! by SQLTables, `SELECT COUNT(*)` equal to the sandbox's manifest, and a full `SELECT *` that
//! returns every record exactly once with the values of `/_sandbox/data` converted by the
//! profile's column definitions. One test per service, so the services run in parallel.

use std::collections::{BTreeMap, BTreeSet};

use crate::harness::{rows_as_text, scalar_text};
use crate::sandbox::{self, clean, comparable_rows, expected, profile, qualified, query_named};

/// The (schema, table) pairs SQLTables lists for a schema.
fn listed(conn: &odbc_api::Connection<'_>, schema: &str) -> BTreeSet<(String, String)> {
    let mut stmt = conn.preallocate().expect("a statement");
    let mut cursor = stmt
        .tables_cursor("", schema, "", "")
        .unwrap_or_else(|e| panic!("SQLTables for {schema}: {e}"));
    rows_as_text(&mut cursor)
        .into_iter()
        .map(|r| {
            (
                r[1].clone().unwrap_or_default(),
                r[2].clone().unwrap_or_default(),
            )
        })
        .collect()
}

/// (COLUMN_NAME, REMARKS) of a table as SQLColumns lists them.
fn column_remarks(
    conn: &odbc_api::Connection<'_>,
    schema: &str,
    table: &str,
) -> Vec<(String, String)> {
    let mut stmt = conn.preallocate().expect("a statement");
    let mut cursor = stmt
        .columns_cursor("", schema, table, "")
        .unwrap_or_else(|e| panic!("SQLColumns for {schema}.{table}: {e}"));
    rows_as_text(&mut cursor)
        .into_iter()
        .map(|r| {
            (
                r[3].clone().unwrap_or_default(),
                r[11].clone().unwrap_or_default(),
            )
        })
        .collect()
}

fn check_service(service: &str) {
    let sb = clean();
    let conn = sb.connect(service);
    let prof = profile(service);
    let tables = sb.tables(service);
    assert!(!tables.is_empty(), "{service}: no tables in the manifest");

    let all = listed(&conn, "");
    let own = listed(&conn, service);
    for (table, _) in &tables {
        let pair = (service.to_owned(), table.clone());
        assert!(all.contains(&pair), "SQLTables does not list {pair:?}");
        assert!(
            own.contains(&pair),
            "SQLTables(schema={service}) lacks {table}"
        );
    }

    let mut failures = Vec::new();
    for (table, _) in &tables {
        let name = qualified(service, table);
        let want = sb.rows(service, table);

        let count = scalar_text(&conn, &format!("SELECT COUNT(*) FROM {name}"));
        if count.as_deref() != Some(want.to_string().as_str()) {
            failures.push(format!("{name}: COUNT(*) = {count:?}, manifest {want}"));
        }

        let def = prof.table(table);
        let mut columns = def.columns();
        // Custom fields follow the table's own columns; each is found by its REMARKS, which
        // name the field's key (their names are checked in custom_fields.rs).
        let remarks = column_remarks(&conn, service, table);
        for (ending, mut column) in def.custom_columns(sb, service) {
            let found: Vec<&String> = remarks
                .iter()
                .filter(|(_, r)| r.ends_with(&ending))
                .map(|(n, _)| n)
                .collect();
            assert_eq!(
                found.len(),
                1,
                "{name}: one column whose REMARKS end '{ending}': {found:?}"
            );
            column.name = found[0].clone();
            columns.push(column);
        }
        let (names, rows) = query_named(&conn, &format!("SELECT * FROM {name}"));
        assert_eq!(
            names,
            columns.iter().map(|c| c.name.clone()).collect::<Vec<_>>(),
            "{name}: SELECT * columns"
        );
        if rows.len() != want {
            failures.push(format!(
                "{name}: SELECT * gave {} rows, manifest {want}",
                rows.len()
            ));
            continue;
        }
        let got = comparable_rows(&columns, &names, &rows);
        let data = sb.data(service, table);
        assert_eq!(
            data.len(),
            want,
            "{name}: /_sandbox/data disagrees with the manifest"
        );
        let parent_column = def.parent_column();
        let wanted: Vec<BTreeMap<String, Option<String>>> = data
            .iter()
            .map(|rec| {
                columns
                    .iter()
                    .map(|c| (c.name.clone(), expected(c, rec)))
                    .collect()
            })
            .collect();

        if let Some(key) = def.key() {
            let mut seen = BTreeMap::new();
            for row in &got {
                let k = row[&key.name].clone().expect("a NULL key");
                *seen.entry(k).or_insert(0usize) += 1;
            }
            let dupes: Vec<_> = seen.iter().filter(|(_, n)| **n > 1).collect();
            if !dupes.is_empty() {
                failures.push(format!(
                    "{name}: records returned more than once: {dupes:?}"
                ));
                continue;
            }
            let by_key: BTreeMap<String, &BTreeMap<String, Option<String>>> = wanted
                .iter()
                .map(|r| (r[&key.name].clone().expect("a record without key"), r))
                .collect();
            let missing: Vec<_> = by_key.keys().filter(|k| !seen.contains_key(*k)).collect();
            if !missing.is_empty() {
                failures.push(format!("{name}: records missing: {missing:?}"));
                continue;
            }
            let mut bad = Vec::new();
            for row in &got {
                let want_row = by_key[row[&key.name].as_ref().unwrap()];
                for (col, want_value) in want_row {
                    if Some(col) == parent_column.as_ref() && want_value.is_none() {
                        continue; // filled from the parent's key, not in the record itself
                    }
                    if &row[col] != want_value {
                        bad.push((col.clone(), want_value.clone(), row[col].clone()));
                    }
                }
            }
            if !bad.is_empty() {
                failures.push(format!(
                    "{name}: {} values differ from the API's data, e.g. {:?}",
                    bad.len(),
                    &bad[..bad.len().min(3)]
                ));
            }
        } else {
            // No key: the rows as a multiset. A parent column the records do not carry is
            // filled from the parent's key and left out of the comparison.
            let drop_parent = parent_column.as_ref().filter(|p| {
                wanted
                    .iter()
                    .all(|w| w.get(*p).is_some_and(Option::is_none))
            });
            let strip = |r: &BTreeMap<String, Option<String>>| {
                let mut r = r.clone();
                if let Some(p) = drop_parent {
                    r.remove(p);
                }
                r
            };
            let mut want_sorted: Vec<_> = wanted.iter().map(strip).collect();
            let mut got_sorted: Vec<_> = got.iter().map(strip).collect();
            want_sorted.sort();
            got_sorted.sort();
            if want_sorted != got_sorted {
                let extra: Vec<_> = got_sorted
                    .iter()
                    .filter(|g| !want_sorted.contains(g))
                    .take(2)
                    .collect();
                let lacking: Vec<_> = want_sorted
                    .iter()
                    .filter(|w| !got_sorted.contains(w))
                    .take(2)
                    .collect();
                failures.push(format!(
                    "{name}: rows differ from the API's data; unexpected {extra:?}, missing \
                     {lacking:?}"
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{service}:\n{}", failures.join("\n"));
}

#[test]
fn every_built_in_profile_is_in_the_manifest() {
    let services = clean().services();
    for name in sandbox::profile_names() {
        assert!(
            services.contains(&name),
            "profile {name} has no service in the sandbox's manifest ({services:?})"
        );
    }
}

#[test]
fn pipedrive_tables_are_listed_counted_and_scanned_once() {
    check_service("pipedrive");
}

#[test]
fn helpscout_tables_are_listed_counted_and_scanned_once() {
    check_service("helpscout");
}

#[test]
fn helpscout_docs_tables_are_listed_counted_and_scanned_once() {
    check_service("helpscout_docs");
}

#[test]
fn keap_tables_are_listed_counted_and_scanned_once() {
    check_service("keap");
}

#[test]
fn talkdesk_tables_are_listed_counted_and_scanned_once() {
    check_service("talkdesk");
}

#[test]
fn leaddesk_tables_are_listed_counted_and_scanned_once() {
    check_service("leaddesk");
}
