//! Joins and GROUP BY across two tables of one profile, compared with what the test computes on
//! its own from the sandbox's raw records (`/_sandbox/data`).

use std::collections::BTreeMap;

use serde_json::Value;

use crate::harness::query_text;
use crate::sandbox::{clean, json_path, profile};

fn int(v: Option<&Value>) -> Option<i64> {
    match v? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

fn float(v: Option<&Value>) -> f64 {
    match v {
        Some(Value::Number(n)) => n.as_f64().unwrap_or_default(),
        Some(Value::String(s)) => s.parse().unwrap_or_default(),
        _ => 0.0,
    }
}

fn text(v: Option<&Value>) -> Option<String> {
    v.and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

fn by_id(records: &[Value]) -> BTreeMap<i64, &Value> {
    records
        .iter()
        .map(|r| (int(json_path(r, "id")).expect("an id"), r))
        .collect()
}

fn parse_f64(cell: &Option<String>) -> f64 {
    cell.as_deref()
        .expect("a SUM")
        .parse()
        .unwrap_or_else(|e| panic!("SUM {cell:?}: {e}"))
}

/// (count, sum) per group, as the query returns them: `[group key, ..., count, sum]` rows.
type Groups = BTreeMap<i64, (usize, f64)>;

fn assert_groups(
    rows: &[Vec<Option<String>>],
    want: &Groups,
    names: &BTreeMap<i64, Option<String>>,
) {
    assert!(
        !want.is_empty(),
        "nothing to group: the data has no matching rows"
    );
    let keys: Vec<i64> = rows
        .iter()
        .map(|r| {
            r[0].as_deref()
                .expect("group key")
                .parse()
                .expect("an integer key")
        })
        .collect();
    assert_eq!(keys, want.keys().copied().collect::<Vec<_>>(), "groups");
    for row in rows {
        let id: i64 = row[0].as_deref().unwrap().parse().unwrap();
        let (n, total) = want[&id];
        assert_eq!(row[1], names[&id], "name of group {id}");
        assert_eq!(
            row[2].as_deref(),
            Some(n.to_string().as_str()),
            "count of group {id}"
        );
        let got = parse_f64(&row[3]);
        assert!(
            (got - total).abs() < 0.005,
            "sum of group {id}: {got} != {total}"
        );
    }
}

#[test]
fn pipedrive_deals_per_person() {
    let sb = clean();
    let rows = query_text(
        &sb.connect("pipedrive"),
        "SELECT p.id, p.name, COUNT(d.id) AS deals, SUM(d.value) AS total \
         FROM pipedrive.deals d JOIN pipedrive.persons p ON d.person_id = p.id \
         GROUP BY p.id, p.name ORDER BY p.id",
    );
    let persons_data = sb.data("pipedrive", "persons");
    let persons = by_id(&persons_data);
    let mut want = Groups::new();
    // Where the profile reads a deal's person from (an id in API v2).
    let person_path = profile("pipedrive").table("deals").column("person_id").path;
    for d in sb.data("pipedrive", "deals") {
        let Some(pid) = int(json_path(&d, &person_path)) else {
            continue;
        };
        if persons.contains_key(&pid) {
            let e = want.entry(pid).or_default();
            e.0 += 1;
            e.1 += float(json_path(&d, "value"));
        }
    }
    let names = persons
        .iter()
        .map(|(id, p)| (*id, text(json_path(p, "name"))))
        .collect();
    assert_groups(&rows, &want, &names);
}

#[test]
fn pipedrive_persons_with_their_organization() {
    let sb = clean();
    let rows = query_text(
        &sb.connect("pipedrive"),
        "SELECT p.id, o.name FROM pipedrive.persons p \
         LEFT JOIN pipedrive.organizations o ON p.org_id = o.id ORDER BY p.id",
    );
    let orgs_data = sb.data("pipedrive", "organizations");
    let orgs = by_id(&orgs_data);
    let mut persons = sb.data("pipedrive", "persons");
    persons.sort_by_key(|p| int(json_path(p, "id")));
    let org_path = profile("pipedrive").table("persons").column("org_id").path;
    let want: Vec<Vec<Option<String>>> = persons
        .iter()
        .map(|p| {
            let org = int(json_path(p, &org_path)).and_then(|o| orgs.get(&o));
            vec![
                int(json_path(p, "id")).map(|i| i.to_string()),
                org.and_then(|o| text(json_path(o, "name"))),
            ]
        })
        .collect();
    assert!(want.iter().any(|r| r[1].is_some()) && want.iter().any(|r| r[1].is_none()));
    assert_eq!(rows, want);
}

#[test]
fn keap_orders_per_contact() {
    let sb = clean();
    let rows = query_text(
        &sb.connect("keap"),
        "SELECT c.id, c.family_name, COUNT(o.id) AS orders, SUM(o.total) AS total \
         FROM keap.orders o JOIN keap.contacts c ON o.contact_id = c.id \
         GROUP BY c.id, c.family_name ORDER BY c.id",
    );
    let contacts_data = sb.data("keap", "contacts");
    let contacts = by_id(&contacts_data);
    let mut want = Groups::new();
    for o in sb.data("keap", "orders") {
        let Some(cid) = int(json_path(&o, "contact.id")) else {
            continue;
        };
        if contacts.contains_key(&cid) {
            let e = want.entry(cid).or_default();
            e.0 += 1;
            e.1 += float(json_path(&o, "total"));
        }
    }
    let names = contacts
        .iter()
        .map(|(id, c)| (*id, text(json_path(c, "family_name"))))
        .collect();
    assert_groups(&rows, &want, &names);
}

#[test]
fn helpscout_docs_articles_per_collection() {
    // articles are iterated per collection (parent iteration), then joined back to them.
    let sb = clean();
    let rows = query_text(
        &sb.connect("helpscout_docs"),
        "SELECT c.name, COUNT(a.id) AS articles FROM helpscout_docs.articles a \
         JOIN helpscout_docs.collections c ON a.collection_id = c.id \
         GROUP BY c.name ORDER BY c.name",
    );
    let collections: BTreeMap<String, String> = sb
        .data("helpscout_docs", "collections")
        .iter()
        .map(|c| {
            (
                c["id"]
                    .as_str()
                    .map_or_else(|| c["id"].to_string(), str::to_owned),
                c["name"].as_str().expect("a collection name").to_owned(),
            )
        })
        .collect();
    let mut want: BTreeMap<String, usize> = BTreeMap::new();
    for a in sb.data("helpscout_docs", "articles") {
        let cid = a["collectionId"]
            .as_str()
            .map_or_else(|| a["collectionId"].to_string(), str::to_owned);
        *want.entry(collections[&cid].clone()).or_default() += 1;
    }
    let want: Vec<Vec<Option<String>>> = want
        .into_iter()
        .map(|(name, n)| vec![Some(name), Some(n.to_string())])
        .collect();
    assert_eq!(rows, want);
}
