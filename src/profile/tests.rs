//! Tests of loading and validating profiles.

use super::*;
use crate::error::{ConnectError, ErrorKind};

#[test]
fn every_builtin_loads() {
    for b in builtin::BUILTINS {
        for name in std::iter::once(&b.name).chain(b.aliases) {
            let p = load(name).unwrap_or_else(|e| panic!("{name}: {}", e.message));
            assert!(!p.tables.is_empty(), "{name}");
            assert_eq!(p.name, b.name, "the schema of {name} is the profile's name");
        }
    }
    assert_eq!(
        load("INFUSIONSOFT").map(|p| p.name).ok().as_deref(),
        Some("keap")
    );
}

#[test]
fn unknown_name_lists_builtins() {
    let e = load("salesforce").unwrap_err();
    assert_eq!(e.kind, ErrorKind::Connect(ConnectError::Profile));
    assert!(e.message.contains("pipedrive, helpscout"), "{}", e.message);
}

#[test]
fn errors_name_source_table_and_key() {
    let text = r#"
name = "x"
base_url = "https://x.test"
[pagination]
kind = "none"
[[table]]
name = "t"
path = "/t"
[[table.column]]
name = "id"
type = "blob"
"#;
    let e = parse(text, "'my.toml'").unwrap_err();
    assert!(
        e.message.contains("'my.toml'")
            && e.message.contains("table 't'")
            && e.message.contains("key 'type'"),
        "{}",
        e.message
    );
    assert_eq!(e.kind, ErrorKind::Connect(ConnectError::Profile));
    let e = parse("name = 1", "'f.toml'").unwrap_err();
    assert!(e.message.contains("'f.toml' is not valid"), "{}", e.message);
    assert_eq!(e.kind, ErrorKind::Connect(ConnectError::Profile));
}

#[test]
fn missing_pagination_key_is_named() {
    let text = r#"
name = "x"
base_url = "https://x.test"
[[table]]
name = "t"
path = "/t"
[table.pagination]
kind = "cursor"
cursor_param = "c"
[[table.column]]
name = "id"
type = "int64"
"#;
    let e = parse(text, "'p.toml'").unwrap_err();
    assert_eq!(e.kind, ErrorKind::Connect(ConnectError::Profile));
    assert!(e.message.contains("next_cursor"), "{}", e.message);
}

#[test]
fn documented_example_is_valid() {
    let doc = include_str!("../../docs/profiles.md");
    let start = doc.find("```toml\n").map(|i| i + 8).unwrap_or(0);
    let end = doc[start..]
        .find("\n```")
        .map(|i| start + i)
        .unwrap_or(doc.len());
    let p =
        parse(&doc[start..end], "'docs/profiles.md'").unwrap_or_else(|e| panic!("{}", e.message));
    assert_eq!(p.tables.len(), 6);
}

#[test]
fn report_window_column_must_be_a_time_column_of_the_table() {
    let profile = |column: &str| {
        format!(
            r#"
name = "x"
base_url = "https://x.test"
[[table]]
name = "calls"
report = {{ create_path = "/jobs", job_id = "id", poll_path = "/jobs/{{job_id}}", status = "s", done = "done", file_path = "/files/{{job_id}}", window_column = "{column}" }}
[[table.column]]
name = "call_id"
type = "text"
[[table.column]]
name = "start_at"
type = "timestamp"
[[table.column]]
name = "day"
type = "date"
"#
        )
    };
    for ok in ["start_at", "START_AT", "day"] {
        parse(&profile(ok), "'r.toml'").unwrap_or_else(|e| panic!("{ok}: {}", e.message));
    }
    let e = parse(&profile("started"), "'r.toml'").unwrap_err();
    assert_eq!(e.kind, ErrorKind::Connect(ConnectError::Profile));
    assert!(
        e.message.contains("table 'calls'")
            && e.message.contains("report.window_column")
            && e.message.contains("'started' is not a column"),
        "{}",
        e.message
    );
    let e = parse(&profile("call_id"), "'r.toml'").unwrap_err();
    assert_eq!(e.kind, ErrorKind::Connect(ConnectError::Profile));
    assert!(
        e.message.contains("table 'calls'") && e.message.contains("timestamp or date"),
        "{}",
        e.message
    );
}

#[test]
fn a_parent_is_a_list_table_or_fixed_values_and_a_window_a_time_column() {
    let profile = |loans: &str, shelves: &str| {
        format!(
            r#"
name = "x"
base_url = "https://x.test"
[pagination]
kind = "none"
[[table]]
name = "shelves"
path = "/branches/{{branch}}/shelves"
{shelves}
[[table.column]]
name = "id"
type = "text"
[[table.column]]
name = "branch"
type = "text"
[[table.column]]
name = "placed"
type = "timestamp"
[[table]]
name = "loans"
path = "/shelves/{{shelf}}/loans"
{loans}
[[table.column]]
name = "shelf"
type = "text"
[[table.column]]
name = "at"
type = "timestamp"
"#
        )
    };
    let values = r#"parent = { values = ["north", "south"], column = "branch" }"#;
    let per_shelf = r#"parent = { table = "shelves", key = "id", column = "shelf" }"#;
    let window = r#"window = { column = "at", from_param = "from", to_param = "to" }"#;
    for (loans, shelves) in [
        (per_shelf.to_string(), values.to_string()),
        (format!("{per_shelf}\n{window}"), values.to_string()),
    ] {
        parse(&profile(&loans, &shelves), "'p.toml'")
            .unwrap_or_else(|e| panic!("{loans} / {shelves}: {}", e.message));
    }
    let bad = [
        (
            r#"parent = { table = "shelves", key = "id", values = ["a"], column = "shelf" }"#
                .to_string(),
            values.to_string(),
            "either table and key, or values",
        ),
        (
            r#"parent = { values = ["a", " "], column = "shelf" }"#.to_string(),
            values.to_string(),
            "empty value",
        ),
        (
            per_shelf.to_string(),
            format!(
                "{values}\n{}",
                r#"window = { column = "placed", from_param = "from", to_param = "to" }"#
            ),
            "a parent must be a list",
        ),
        (
            format!(
                "{per_shelf}\n{}",
                r#"window = { column = "shelf", from_param = "f", to_param = "t" }"#
            ),
            values.to_string(),
            "timestamp or date",
        ),
        (
            per_shelf.to_string(),
            r#"parent = { table = "loans", key = "shelf", column = "branch" }"#.to_string(),
            "cycle",
        ),
        (
            r#"parent = { table = "shelves", key = "id", column = "shelf", batch = 0 }"#
                .to_string(),
            values.to_string(),
            "at least 1",
        ),
        (
            format!("{per_shelf}\none_record = true\npagination = {{ kind = \"none\" }}")
                .replace("column = \"shelf\"", "column = \"shelf\", batch = 5"),
            values.to_string(),
            "cannot be used with one_record",
        ),
    ];
    for (loans, shelves, says) in bad {
        let e = parse(&profile(&loans, &shelves), "'p.toml'").unwrap_err();
        assert_eq!(e.kind, ErrorKind::Connect(ConnectError::Profile));
        assert!(
            e.message.contains(says),
            "{loans} / {shelves}: {}",
            e.message
        );
    }
}

#[test]
fn range_operators_bound_time_columns_only() {
    let profile = |column: &str, op: &str| {
        format!(
            r#"
name = "x"
base_url = "https://x.test"
[[table]]
name = "contacts"
path = "/contacts"
pagination = {{ kind = "none" }}
[[table.column]]
name = "id"
type = "int64"
[[table.column]]
name = "updated"
type = "timestamp"
[[table.filter]]
column = "{column}"
param = "since"
ops = ["{op}"]
format = "rfc3339"
"#
        )
    };
    let p =
        parse(&profile("updated", ">="), "'r.toml'").unwrap_or_else(|e| panic!("{}", e.message));
    assert_eq!(
        p.tables[0].filters[0].operators,
        [crate::profile::FilterOp::AtLeast]
    );
    let e = parse(&profile("id", "<="), "'r.toml'").unwrap_err();
    assert!(
        e.message.contains("'<=' bounds a time") && e.message.contains("'id'"),
        "{}",
        e.message
    );
    let e = parse(&profile("updated", ">"), "'r.toml'").unwrap_err();
    assert!(
        e.message.contains("use \"=\", \"in\", \">=\" or \"<=\""),
        "{}",
        e.message
    );
}

#[test]
fn sort_columns_are_orderable_columns_of_a_list_table() {
    let profile = |columns: &str, natural: &str| {
        format!(
            r#"
name = "x"
base_url = "https://x.test"
[[table]]
name = "contacts"
path = "/contacts"
pagination = {{ kind = "none" }}
[table.sort]
param = "order"
direction_param = "dir"
natural = "{natural}"
columns = {{ {columns} }}
[[table.column]]
name = "id"
type = "int64"
[[table.column]]
name = "tags"
type = "json"
"#
        )
    };
    let p = parse(&profile(r#"id = "id""#, "id"), "'s.toml'")
        .unwrap_or_else(|e| panic!("{}", e.message));
    let sort = p.tables[0]
        .sort
        .as_ref()
        .unwrap_or_else(|| panic!("no sort"));
    assert_eq!(
        (sort.ascending.as_str(), sort.descending.as_str()),
        ("asc", "desc")
    );
    for (columns, natural, says) in [
        (r#"nope = "n""#, "nope", "'nope' is not a column"),
        (
            r#"tags = "tags""#,
            "tags",
            "a number, date or timestamp column",
        ),
        (r#"id = "id""#, "tags", "'tags' is not one of sort.columns"),
    ] {
        let e = parse(&profile(columns, natural), "'s.toml'").unwrap_err();
        assert!(
            e.message.contains(says) && e.message.contains("'s.toml'"),
            "{}",
            e.message
        );
    }
}

/// The Profile property's allowed values (sys_connection_props, messages) list the built-ins.
#[test]
fn the_profile_property_lists_the_builtins() {
    let allowed = crate::connect::settings::find_property("Profile").map(|p| p.allowed);
    assert_eq!(
        allowed,
        Some(format!("{}, or a file path", builtin::listing()).as_str())
    );
}

#[test]
fn max_length_applies_to_text_and_json_and_is_bounded() {
    let with = |ty: &str, max: &str, name: &str| {
        format!(
            "name = \"x\"\nbase_url = \"https://x.test\"\n[pagination]\nkind = \"none\"\n[[table]]\nname = \"t\"\npath = \"/t\"\n[[table.column]]\nname = \"{name}\"\ntype = \"{ty}\"\nmax_length = {max}\n"
        )
    };
    let p = parse(&with("text", "254", "email"), "'my.toml'").unwrap();
    assert_eq!(p.tables[0].columns[0].max_length, Some(254));
    assert!(parse(&with("json", "4000", "email"), "'my.toml'").is_ok());
    for (ty, max, name, says) in [
        ("int64", "10", "id", "applies to text and json only"),
        ("text", "0", "email", "from 1 to 536870911"),
        ("text", "536870912", "email", "from 1 to 536870911"),
        ("text", "10", &"c".repeat(129), "more than 128 characters"),
    ] {
        let e = parse(&with(ty, max, name), "'my.toml'").unwrap_err();
        assert_eq!(
            e.kind,
            ErrorKind::Connect(ConnectError::Profile),
            "{ty} {max}"
        );
        assert!(
            e.message.contains(says) && e.message.contains("my.toml"),
            "{ty} {max}: {}",
            e.message
        );
    }
}

#[test]
fn a_detail_read_has_no_pages() {
    let profile = |pagination: &str| {
        format!(
            r#"
name = "x"
base_url = "https://x.test"
[pagination]
kind = "page"
page_param = "page"
[[table]]
name = "article"
path = "/article"
records = "article"
one_record = true
{pagination}
[[table.column]]
name = "id"
type = "text"
"#
        )
    };
    parse(&profile(r#"pagination = { kind = "none" }"#), "'d.toml'")
        .unwrap_or_else(|e| panic!("{}", e.message));
    let e = parse(&profile(""), "'d.toml'").unwrap_err();
    assert!(
        e.message.contains("one_record") && e.message.contains("kind = \"none\""),
        "{}",
        e.message
    );
}

#[test]
fn write_routes_name_columns_of_their_table() {
    let base = |routes: &str| {
        format!(
            r#"
name = "x"
base_url = "https://x.test"
[pagination]
kind = "none"
[[table]]
name = "t"
path = "/t"
[[table.column]]
name = "id"
type = "int64"
key = true
[[table.column]]
name = "name"
type = "text"
{routes}
"#
        )
    };
    let ok = base(
        "[[table.insert]]\ncolumns = [\"name\"]\nrequired = [\"name\"]\nkey = \"id\"\n[[table.update]]\npath = \"/t/{id}\"\n[[table.delete]]\npath = \"/t/{id}\"",
    );
    parse(&ok, "ok").unwrap_or_else(|e| panic!("{}", e.message));
    for (routes, says) in [
        (
            "[[table.insert]]\ncolumns = [\"nope\"]",
            "'nope' is not a column",
        ),
        (
            "[[table.insert]]\ncolumns = [\"name\"]\nrequired = [\"id\"]",
            "neither in columns nor in the path",
        ),
        (
            "[[table.update]]\npath = \"/t/{nope}\"\ncolumns = [\"name\"]",
            "{nope} is not a column",
        ),
        (
            "[[table.delete]]\npath = \"/t/{id}\"\nmethod = \"GET\"",
            "'GET' is not one of",
        ),
        (
            "[[table.insert]]\ncolumns = [\"name\"]\nbody = \"json_patch\"",
            "update routes only",
        ),
        (
            "[[table.update]]\npath = \"/t/{id}\"",
            "name the columns an update may set",
        ),
        (
            "[[table.insert]]\ncolumns = [\"name\"]\ncustom_fields = \"cf\"",
            "must hold {key}",
        ),
        (
            "[[table.delete]]\nmethod = \"DELETE\"",
            "with a {column} placeholder",
        ),
        (
            "[[table.insert]]\ncolumns = [\"name\"]\nbody = \"none\"",
            "sends no column values",
        ),
    ] {
        let e = parse(&base(routes), "bad")
            .err()
            .unwrap_or_else(|| panic!("{routes} passed"));
        assert!(e.message.contains(says), "{routes}: {}", e.message);
    }
}
