//! A profile file for an API none of the built-ins covers — a small library API served by the
//! test's own JSON server — loaded with `Profile=<path>` and used end to end: the tables and
//! columns in the catalog, page-number and cursor pagination, nested paths, a pushed-down filter,
//! a join with GROUP BY, and the API's own message on a rejected key.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::OnceLock;

use odbc_api::Connection;
use serde_json::{json, Value};

use crate::harness::{connect_str, message, query_text, rows_as_text, scalar_text, sqlstate};
use crate::mock_api::{temp_file, MockApi, Reply, Req};
use crate::sandbox::query_error;

const KEY: &str = "lib-key-123";
const AUTHORS_PAGE: usize = 3;
const BOOKS_PAGE: usize = 4;
const GENRES: [&str; 3] = ["novel", "poetry", "essay"];

fn authors() -> Vec<Value> {
    [
        ("Ursula", "US"),
        ("Tove", "FI"),
        ("Chinua", "NG"),
        ("Italo", "IT"),
        ("Wisława", "PL"),
        ("Jorge", "AR"),
        ("Haruki", "JP"),
        ("Astrid", "SE"),
        ("Gabriel", "CO"),
        ("Olga", "PL"),
        ("Naguib", "EG"),
    ]
    .iter()
    .enumerate()
    .map(|(i, (name, country))| json!({"id": i + 1, "name": name, "country": country}))
    .collect()
}

fn books() -> Vec<Value> {
    let authors = authors();
    (1..30usize)
        .map(|i| {
            let author = &authors[i % authors.len()];
            json!({
                "isbn": format!("978-{i:04}"),
                "title": format!("Book {i} “{}”", GENRES[i % 3]),
                "genre": GENRES[i % 3],
                "price": 5.0 + i as f64 * 1.25,
                "published": format!("20{:02}-0{}-1{}T08:30:00Z", 10 + i % 14, 1 + i % 9, i % 10),
                "author": {"id": author["id"], "name": author["name"]},
                "tags": [GENRES[i % 3], format!("t{}", i % 4)],
            })
        })
        .collect()
}

fn num(req: &Req, name: &str, default: usize) -> usize {
    req.param(name)
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// `/v1/authors?page=&per_page=` (page numbers, `meta.pages`) and
/// `/v1/books?cursor=&limit=&genre=` (cursor in `next_cursor`, a nested `author`).
fn library(req: &Req) -> Reply {
    if req.header("X-Library-Key") != Some(KEY) {
        return Reply::Json(401, json!({"error": {"message": "library key rejected"}}));
    }
    match req.path.as_str() {
        "/v1/authors" => {
            let all = authors();
            let size = num(req, "per_page", AUTHORS_PAGE).clamp(1, AUTHORS_PAGE);
            let page = num(req, "page", 1).max(1);
            let pages = all.len().div_ceil(size);
            let items: Vec<Value> = all.into_iter().skip((page - 1) * size).take(size).collect();
            Reply::Json(
                200,
                json!({"data": items, "meta": {"page": page, "pages": pages}}),
            )
        }
        "/v1/books" => {
            let all: Vec<Value> = books()
                .into_iter()
                .filter(|b| req.param("genre").is_none_or(|g| b["genre"] == g))
                .collect();
            let start = num(req, "cursor", 0);
            let size = num(req, "limit", BOOKS_PAGE).clamp(1, BOOKS_PAGE);
            let page: Vec<Value> = all.iter().skip(start).take(size).cloned().collect();
            let next = (start + size < all.len()).then(|| (start + size).to_string());
            Reply::Json(200, json!({"result": {"books": page}, "next_cursor": next}))
        }
        "/v1/vault" => Reply::Json(
            403,
            json!({"error": {"message": "this key may not open the vault"}}),
        ),
        _ => Reply::Json(404, json!({"error": {"message": "no such shelf"}})),
    }
}

/// The library profile both this file and test_rest.py use; `{base}` is the mock API's URL.
const PROFILE: &str = include_str!("../fixtures/library_profile.toml");

struct Library {
    api: MockApi,
    profile: PathBuf,
}

impl Library {
    fn connect(&self, key: &str) -> Connection<'static> {
        let cs = format!(
            "DRIVER={{apiodbc}};Profile={};APIKey={key}",
            self.profile.display()
        );
        connect_str(&cs).unwrap_or_else(|e| panic!("connecting with {cs}: {e}"))
    }
}

/// One server and profile file for the module; tests that count its requests hold `LOCK`.
fn lib() -> &'static Library {
    static LIB: OnceLock<Library> = OnceLock::new();
    LIB.get_or_init(|| {
        let api = MockApi::start(library);
        let profile = temp_file("library.toml", &PROFILE.replace("{base}", &api.base_url()));
        Library { api, profile }
    })
}

fn lock() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    LOCK.lock().unwrap_or_else(|p| p.into_inner())
}

#[test]
fn library_tables_and_columns_are_in_the_catalog() {
    // Its requests must not land in another test's count of the mock's log.
    let _guard = lock();
    let conn = lib().connect(KEY);
    let mut stmt = conn.preallocate().unwrap();
    let tables: Vec<(Option<String>, Option<String>)> =
        rows_as_text(&mut stmt.tables_cursor("", "library", "", "").unwrap())
            .into_iter()
            .map(|r| (r[1].clone(), r[2].clone()))
            .collect();
    for t in ["authors", "books"] {
        assert!(
            tables.contains(&(Some("library".into()), Some(t.into()))),
            "{t} not listed: {tables:?}"
        );
    }
    let mut stmt = conn.preallocate().unwrap();
    let columns: Vec<Option<String>> =
        rows_as_text(&mut stmt.columns_cursor("", "library", "books", "").unwrap())
            .into_iter()
            .map(|r| r[3].clone())
            .collect();
    let want = [
        "isbn",
        "title",
        "genre",
        "price",
        "published",
        "author_id",
        "author_name",
        "tags",
    ];
    assert_eq!(columns, want.map(|c| Some(c.to_owned())));
}

#[test]
fn library_count_and_select_page_through_everything() {
    let lib = lib();
    let conn = lib.connect(KEY);
    let all_books = books();
    assert_eq!(
        scalar_text(&conn, "SELECT COUNT(*) FROM library.authors"),
        Some(authors().len().to_string())
    );
    let rows = query_text(
        &conn,
        "SELECT id, name, country FROM library.authors ORDER BY id",
    );
    let want: Vec<Vec<Option<String>>> = authors()
        .iter()
        .map(|a| {
            vec![
                Some(a["id"].to_string()),
                a["name"].as_str().map(str::to_owned),
                a["country"].as_str().map(str::to_owned),
            ]
        })
        .collect();
    assert_eq!(rows, want);

    let _guard = lock();
    lib.api.clear();
    let rows = query_text(
        &conn,
        "SELECT isbn, title, price, published, author_id, author_name, tags \
         FROM library.books ORDER BY isbn",
    );
    let pages = lib.api.requests_to("/v1/books");
    drop(_guard);
    assert_eq!(rows.len(), all_books.len());
    for (row, book) in rows.iter().zip(&all_books) {
        let text = |i: usize| {
            row[i]
                .as_deref()
                .unwrap_or_else(|| panic!("NULL in {row:?}"))
        };
        assert_eq!(text(0), book["isbn"].as_str().unwrap());
        assert_eq!(text(1), book["title"].as_str().unwrap());
        let price: f64 = text(2).parse().unwrap();
        assert!((price - book["price"].as_f64().unwrap()).abs() < 1e-9);
        // 2016-05-13T08:30:00Z as a timestamp without zone.
        let published = book["published"].as_str().unwrap().replace('T', " ");
        assert!(
            text(3).starts_with(published.trim_end_matches('Z')),
            "{} vs {published}",
            text(3)
        );
        assert_eq!(text(4), book["author"]["id"].to_string());
        assert_eq!(text(5), book["author"]["name"].as_str().unwrap());
        let tags: Value = serde_json::from_str(text(6)).unwrap();
        assert_eq!(tags, book["tags"]);
    }
    assert_eq!(
        pages.len(),
        all_books.len().div_ceil(BOOKS_PAGE),
        "{pages:?}"
    );
    let cursors: Vec<Option<&str>> = pages.iter().map(|r| r.param("cursor")).collect();
    let mut want = vec![None];
    let offsets: Vec<String> = (BOOKS_PAGE..all_books.len())
        .step_by(BOOKS_PAGE)
        .map(|i| i.to_string())
        .collect();
    want.extend(offsets.iter().map(|s| Some(s.as_str())));
    assert_eq!(cursors, want, "cursors sent");
}

#[test]
fn library_filter_is_pushed() {
    let lib = lib();
    let conn = lib.connect(KEY);
    let _guard = lock();
    lib.api.clear();
    let rows = query_text(
        &conn,
        "SELECT isbn FROM library.books WHERE genre = 'poetry' ORDER BY isbn",
    );
    let requests = lib.api.requests_to("/v1/books");
    drop(_guard);
    let want: Vec<Vec<Option<String>>> = books()
        .iter()
        .filter(|b| b["genre"] == "poetry")
        .map(|b| vec![b["isbn"].as_str().map(str::to_owned)])
        .collect();
    assert_eq!(rows, want);
    assert!(!requests.is_empty());
    for r in &requests {
        assert_eq!(r.param("genre"), Some("poetry"), "{r:?}");
    }
}

#[test]
fn library_join_and_group_by() {
    // Its requests must not land in another test's count of the mock's log.
    let _guard = lock();
    let conn = lib().connect(KEY);
    let rows = query_text(
        &conn,
        "SELECT a.country, COUNT(*) AS n, SUM(b.price) AS total FROM library.books b \
         JOIN library.authors a ON b.author_id = a.id GROUP BY a.country ORDER BY a.country",
    );
    let country: BTreeMap<i64, String> = authors()
        .iter()
        .map(|a| {
            (
                a["id"].as_i64().unwrap(),
                a["country"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let mut want: BTreeMap<String, (usize, f64)> = BTreeMap::new();
    for b in books() {
        let e = want
            .entry(country[&b["author"]["id"].as_i64().unwrap()].clone())
            .or_default();
        e.0 += 1;
        e.1 += b["price"].as_f64().unwrap();
    }
    let got: Vec<(String, usize, f64)> = rows
        .iter()
        .map(|r| {
            (
                r[0].clone().unwrap(),
                r[1].as_deref().unwrap().parse().unwrap(),
                r[2].as_deref().unwrap().parse().unwrap(),
            )
        })
        .collect();
    assert_eq!(got.len(), want.len(), "{got:?}");
    for ((c, n, total), (wc, (wn, wtotal))) in got.iter().zip(&want) {
        assert_eq!((c, n), (wc, wn));
        assert!((total - wtotal).abs() < 1e-6, "{c}: {total} != {wtotal}");
    }
}

#[test]
fn library_wrong_key_is_28000_with_the_apis_message() {
    // Its requests must not land in another test's count of the mock's log.
    let _guard = lock();
    // Without the connect check the first query is refused; with it (the default), the connect.
    let conn = lib().connect("nope");
    let err = query_error(&conn, "SELECT * FROM library.authors").expect("a rejected key");
    assert_eq!(sqlstate(&err), "28000", "{}", message(&err));
    assert!(
        message(&err).contains("library key rejected"),
        "{}",
        message(&err)
    );
    let err = connect_str(&format!(
        "DRIVER={{apiodbc}};Profile={};APIKey=nope;VerifyConnection=TRUE",
        lib().profile.display()
    ))
    .err()
    .unwrap_or_else(|| panic!("a rejected key connected"));
    assert_eq!(sqlstate(&err), "28000", "{}", message(&err));
    assert!(
        message(&err).contains("library key rejected"),
        "{}",
        message(&err)
    );
}

/// VerifyConnection checks the credentials, not one table: with a check table this key may not
/// read (403), the connection opens, the other tables answer, and that table's query is 28000
/// with the API's message.
#[test]
fn a_check_table_the_key_may_not_read_still_connects() {
    let _guard = lock();
    let profile = PROFILE
        .replace("{base}", &lib().api.base_url())
        .replace("[auth]\n", "[auth]\ncheck_table = \"vault\"\n")
        + "\n[[table]]\nname = \"vault\"\npath = \"/vault\"\nrecords = \"data\"\npagination = { kind = \"none\" }\n[[table.column]]\nname = \"id\"\ntype = \"int64\"\n";
    let file = temp_file("library-vault.toml", &profile);
    lib().api.clear();
    let conn = connect_str(&format!(
        "DRIVER={{apiodbc}};Profile={};APIKey={KEY};VerifyConnection=TRUE",
        file.display()
    ))
    .unwrap_or_else(|e| panic!("a 403 on the check table refused the connection: {e}"));
    assert_eq!(
        lib().api.requests_to("/v1/vault").len(),
        1,
        "no check request"
    );
    assert_eq!(
        scalar_text(&conn, "SELECT COUNT(*) FROM library.authors"),
        Some(authors().len().to_string())
    );
    let err = query_error(&conn, "SELECT * FROM library.vault").expect("the vault refused");
    assert_eq!(sqlstate(&err), "28000", "{}", message(&err));
    assert!(
        message(&err).contains("may not open the vault"),
        "{}",
        message(&err)
    );
}

/// A column's declared `max_length` is what clients see (SQLDescribeCol, SQLColumns), and a
/// value the API sends longer than declared is cut to it with 01004 on the fetch, so a buffer
/// sized from the declaration always holds the value.
#[test]
fn library_declared_lengths_are_reported_and_kept() {
    // Its requests must not land in another test's count of the mock's log.
    let _guard = lock();
    use odbc_api::sys::{
        CDataType, SQLDescribeCol, SQLExecDirect, SQLFetch, SQLGetData, SqlReturn,
    };
    use odbc_api::ResultSetMetadata;

    let conn = lib().connect(KEY);
    let mut cursor = conn
        .execute("SELECT country, name FROM library.authors", (), None)
        .unwrap()
        .unwrap();
    assert_eq!(
        cursor.col_data_type(1).unwrap(),
        odbc_api::DataType::WVarchar {
            length: std::num::NonZeroUsize::new(2)
        },
        "the declared length"
    );
    assert_eq!(
        cursor.col_data_type(2).unwrap(),
        odbc_api::DataType::WVarchar {
            length: std::num::NonZeroUsize::new(4000)
        },
        "a column without one has DefaultColumnSize"
    );
    drop(cursor);
    let mut stmt = conn.preallocate().unwrap();
    let sizes: Vec<Option<String>> = rows_as_text(
        &mut stmt
            .columns_cursor("", "library", "authors", "country")
            .unwrap(),
    )
    .into_iter()
    .map(|r| r[6].clone())
    .collect();
    assert_eq!(sizes, [Some("2".to_string())], "SQLColumns agrees");

    let cs = format!(
        "DRIVER={{apiodbc}};Profile={};APIKey={KEY};DefaultColumnSize=300",
        lib().profile.display()
    );
    let wider = connect_str(&cs).unwrap();
    let mut cursor = wider
        .execute("SELECT country, name FROM library.authors", (), None)
        .unwrap()
        .unwrap();
    assert_eq!(
        (
            cursor.col_data_type(1).unwrap(),
            cursor.col_data_type(2).unwrap()
        ),
        (
            odbc_api::DataType::WVarchar {
                length: std::num::NonZeroUsize::new(2)
            },
            odbc_api::DataType::WVarchar {
                length: std::num::NonZeroUsize::new(300)
            }
        ),
        "DefaultColumnSize sets the length of columns that declare none"
    );
    drop(cursor);

    // The same API with a profile that declares titles of at most 6 characters.
    let short = PROFILE.replace(
        "name = \"title\"\ntype = \"text\"\n",
        "name = \"title\"\ntype = \"text\"\nmax_length = 6\n",
    );
    assert_ne!(short, PROFILE, "the fixture declares a title column");
    let profile = temp_file(
        "library_short_titles.toml",
        &short.replace("{base}", &lib().api.base_url()),
    );
    let cs = format!(
        "DRIVER={{apiodbc}};Profile={};APIKey={KEY}",
        profile.display()
    );
    let conn = connect_str(&cs).unwrap();
    let mut stmt: odbc_api::handles::StatementImpl<'_> = conn.preallocate().unwrap().into_handle();
    let h = crate::harness::raw_stmt(&mut stmt).0;
    let sql = "SELECT title FROM library.books WHERE isbn = '978-0001'";
    let mut name = [0u8; 32];
    let (mut name_len, mut data_type, mut size, mut digits, mut nullable) = (
        0i16,
        odbc_api::sys::SqlDataType::UNKNOWN_TYPE,
        0usize,
        0i16,
        odbc_api::sys::Nullability::UNKNOWN,
    );
    let mut value = [0u8; 64];
    let mut len: isize = 0;
    // SAFETY: a live statement handle; every buffer outlives the call that writes it.
    let (fetched, got) = unsafe {
        assert!(
            crate::harness::succeeded(SQLExecDirect(h, sql.as_ptr(), sql.len() as i32)),
            "{:?}",
            crate::harness::diagnostics(&stmt)
        );
        let ret = SQLDescribeCol(
            h,
            1,
            name.as_mut_ptr(),
            32,
            &mut name_len,
            &mut data_type,
            &mut size,
            &mut digits,
            &mut nullable,
        );
        assert!(crate::harness::succeeded(ret));
        let fetched = SQLFetch(h);
        let diags = crate::harness::diagnostics(&stmt);
        let got = SQLGetData(
            h,
            1,
            CDataType::Char,
            value.as_mut_ptr().cast(),
            64,
            &mut len,
        );
        assert_eq!(
            got,
            SqlReturn::SUCCESS,
            "the cut value fits a buffer of the declared size"
        );
        (fetched, diags)
    };
    assert_eq!(size, 6, "SQLDescribeCol reports the declared length");
    assert_eq!(fetched, SqlReturn::SUCCESS_WITH_INFO, "the fetch warns");
    assert!(
        got.iter()
            .any(|(state, message)| state == "01004" && message.contains("column title")),
        "01004 names the column: {got:?}"
    );
    assert_eq!(
        &value[..len as usize],
        "Book 1".as_bytes(),
        "cut to 6 characters of “Book 1 “poetry””"
    );
}
