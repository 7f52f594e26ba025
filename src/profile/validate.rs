//! Checks a deserialised profile for meaning: known types and schemes, references between tables
//! and columns, the keys each pagination kind needs. Every message names the profile's source, the
//! table and the key, so a profile author can find the line.

use std::collections::HashSet;

use super::model::{
    CustomFields, FilterOp, PageKind, Pagination, Parent, PlacementKind, Profile, SchemeDecl, Sort,
    Table,
};
use super::template::placeholders;
use super::types::{ColumnType, CustomFieldType, TimeFormat, TYPE_NAMES};
use crate::connect::settings::AuthScheme;
use crate::error::{ConnectError, Error, Result};
use crate::table_meta::MAX_LENGTH_LIMIT;

const GRANTS: &[&str] = &[
    "authorization_code",
    "refresh_token",
    "client_credentials",
    "password",
    "exchange_api_token",
];

struct Ctx {
    source: String,
}

impl Ctx {
    fn err(&self, place: &str, key: &str, problem: impl std::fmt::Display) -> Error {
        Error::new(
            ConnectError::Profile,
            format!(
                "Profile {}: {place}key '{key}': {problem}; fix the profile file",
                self.source
            ),
        )
    }
}

fn table_place(t: &Table) -> String {
    format!("table '{}', ", t.name)
}

/// `host.example.com` or `*.example.com`: DNS labels of letters, digits and hyphens.
fn is_host_pattern(pattern: &str) -> bool {
    let host = pattern.strip_prefix("*.").unwrap_or(pattern);
    !host.is_empty()
        && host.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
}

/// What validating a table read from its strings, written into it once every check has passed.
struct TableTypes {
    columns: Vec<(ColumnType, TimeFormat)>,
    filters: Vec<Vec<FilterOp>>,
}

/// Checks the profile and fills its typed fields (column types, time formats, filter operators,
/// auth schemes) from the text beside them.
pub fn validate(p: &mut Profile) -> Result<()> {
    let cx = Ctx {
        source: p.source.clone(),
    };
    if p.name.trim().is_empty() {
        return Err(cx.err("", "name", "must not be empty"));
    }
    if !p
        .name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        return Err(cx.err("", "name", "use letters, digits, '_' and '-' only"));
    }
    if too_long(&p.name) {
        return Err(cx.err("", "name", NAME_TOO_LONG));
    }
    let url = p.base_url.to_ascii_lowercase();
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        return Err(cx.err("", "base_url", "must start with https:// or http://"));
    }
    let (accepted, default_scheme, declared) = read_auth(&cx, p)?;
    validate_auth(&cx, p)?;
    p.auth.accepted = accepted;
    p.auth.default_scheme = default_scheme;
    p.auth.declared = declared;
    for (i, h) in p.hosts.iter().enumerate() {
        let place = format!("host[{}]", i + 1);
        if !is_host_pattern(&h.pattern) || h.pattern == "*" {
            return Err(cx.err(
                &place,
                "pattern",
                "must be a host name such as files.example.com, or *.example.com for its subdomains",
            ));
        }
    }
    if let Some(pg) = &p.pagination {
        validate_pagination(&cx, "", pg)?;
    }
    // A table's custom fields inherit the profile-wide types it does not set itself.
    let shared = p.custom_field_types.clone();
    for t in &mut p.tables {
        if let Some(decl) = &mut t.custom_fields {
            for (api_type, ours) in &shared.types {
                decl.types
                    .entry(api_type.clone())
                    .or_insert_with(|| ours.clone());
            }
            let own: Vec<String> = decl.parts.iter().map(|x| x.field_type.clone()).collect();
            decl.parts.extend(
                shared
                    .parts
                    .iter()
                    .filter(|x| !own.contains(&x.field_type))
                    .cloned(),
            );
        }
    }
    let mut names = HashSet::new();
    let mut read = Vec::with_capacity(p.tables.len());
    for t in &p.tables {
        if !names.insert(t.name.to_ascii_lowercase()) {
            return Err(cx.err(&table_place(t), "name", "another table has this name"));
        }
        read.push(validate_table(&cx, p, t)?);
    }
    for (t, types) in p.tables.iter_mut().zip(read) {
        for (c, (ty, format)) in t.columns.iter_mut().zip(types.columns) {
            c.ty = ty;
            c.time_format = format;
        }
        for (f, ops) in t.filters.iter_mut().zip(types.filters) {
            f.operators = ops;
        }
    }
    if p.tables.is_empty() {
        return Err(cx.err("", "table", "declare at least one [[table]]"));
    }
    Ok(())
}

/// The accepted schemes (`NONE` when none are listed), the default, and each scheme's
/// declaration, read from their names.
#[allow(clippy::type_complexity)]
fn read_auth(
    cx: &Ctx,
    p: &Profile,
) -> Result<(
    Vec<AuthScheme>,
    Option<AuthScheme>,
    Vec<(AuthScheme, SchemeDecl)>,
)> {
    let mut accepted = Vec::new();
    for s in &p.auth.schemes {
        let scheme = AuthScheme::parse(s)
            .ok_or_else(|| cx.err("[auth] ", "schemes", format!("'{s}' is not an AuthScheme")))?;
        accepted.push(scheme);
    }
    if accepted.is_empty() {
        accepted.push(AuthScheme::None);
    }
    let default = match &p.auth.default {
        Some(d) => {
            let d2 = AuthScheme::parse(d).ok_or_else(|| {
                cx.err("[auth] ", "default", format!("'{d}' is not an AuthScheme"))
            })?;
            if !accepted.contains(&d2) {
                return Err(cx.err("[auth] ", "default", "must be one of schemes"));
            }
            Some(d2)
        }
        None => None,
    };
    let mut declared = Vec::new();
    for (name, decl) in &p.auth.scheme {
        let place = format!("[auth.scheme.{name}] ");
        let scheme = AuthScheme::parse(name)
            .ok_or_else(|| cx.err(&place, "scheme", "not an AuthScheme name"))?;
        if !accepted.contains(&scheme) {
            return Err(cx.err(&place, "scheme", "not listed in [auth] schemes"));
        }
        declared.push((scheme, decl.clone()));
    }
    Ok((accepted, default, declared))
}

/// What each scheme sends, and the OAuth section; the scheme names are `read_auth`'s.
fn validate_auth(cx: &Ctx, p: &Profile) -> Result<()> {
    let declared: HashSet<String> = p
        .settings
        .iter()
        .map(|s| s.name.to_ascii_lowercase())
        .collect();
    for (name, decl) in &p.auth.scheme {
        let place = format!("[auth.scheme.{name}] ");
        for pl in &decl.send {
            match pl.kind {
                PlacementKind::Query | PlacementKind::Header => {
                    if pl.name.as_deref().unwrap_or("").is_empty() || pl.value.is_none() {
                        return Err(cx.err(&place, "send", "query and header need name and value"));
                    }
                }
                PlacementKind::Basic => {
                    if pl.user.is_none() {
                        return Err(cx.err(&place, "send", "basic needs user (and password)"));
                    }
                }
            }
            if let Some(w) = &pl.when {
                let Some((setting, _)) = w.split_once('=') else {
                    return Err(cx.err(&place, "when", "write it as Setting=value"));
                };
                if !declared.contains(&setting.trim().to_ascii_lowercase()) {
                    return Err(cx.err(
                        &place,
                        "when",
                        format!("setting '{setting}' is not declared in [[setting]]"),
                    ));
                }
            }
        }
    }
    if let Some(name) = &p.auth.check_table {
        let readable = p.tables.iter().any(|t| {
            t.name.eq_ignore_ascii_case(name)
                && t.parent.is_none()
                && t.child.is_none()
                && t.report.is_none()
                && t.window.is_none()
        });
        if !readable {
            return Err(cx.err(
                "[auth] ",
                "check_table",
                format!(
                    "'{name}' is not a table read on its own (no parent, child, report or window)"
                ),
            ));
        }
    }
    if let Some(o) = &p.auth.oauth {
        if o.token_url.trim().is_empty() {
            return Err(cx.err("[auth.oauth] ", "token_url", "must not be empty"));
        }
        for g in o.grants.iter().chain(o.client_auth_per_grant.keys()) {
            if !GRANTS.contains(&g.as_str()) {
                return Err(cx.err(
                    "[auth.oauth] ",
                    "grants",
                    format!("'{g}' is unknown; allowed: {}", GRANTS.join(", ")),
                ));
            }
        }
        if !o.token_format.contains("{token}") {
            return Err(cx.err("[auth.oauth] ", "token_format", "must contain {token}"));
        }
    }
    for s in &p.settings {
        if let Some(d) = &s.default {
            if !s.allowed.is_empty() && !s.allowed.iter().any(|a| a.eq_ignore_ascii_case(d)) {
                return Err(cx.err(
                    &format!("setting '{}', ", s.name),
                    "default",
                    "is not among allowed",
                ));
            }
        }
    }
    Ok(())
}

fn need(cx: &Ctx, place: &str, key: &str, v: &Option<String>) -> Result<()> {
    match v {
        Some(s) if !s.trim().is_empty() => Ok(()),
        _ => Err(cx.err(place, key, "is required for this pagination kind")),
    }
}

fn validate_pagination(cx: &Ctx, place: &str, pg: &Pagination) -> Result<()> {
    let place = format!("{place}[pagination] ");
    match pg.kind {
        PageKind::None | PageKind::HalNext | PageKind::LinkHeader => {}
        PageKind::Offset => need(cx, &place, "offset_param", &pg.offset_param)?,
        PageKind::Page => need(cx, &place, "page_param", &pg.page_param)?,
        PageKind::Cursor => {
            need(cx, &place, "cursor_param", &pg.cursor_param)?;
            need(cx, &place, "next_cursor", &pg.next_cursor)?;
        }
        PageKind::NextUrl => need(cx, &place, "next_url", &pg.next_url)?,
    }
    if let (Some(d), Some(m)) = (pg.default_size, pg.max_size) {
        if d > m {
            return Err(cx.err(&place, "default_size", "is larger than max_size"));
        }
    }
    if pg.max_size == Some(0) || pg.default_size == Some(0) {
        return Err(cx.err(&place, "max_size", "must be at least 1"));
    }
    Ok(())
}

const NAME_TOO_LONG: &str = "has more than 128 characters (SQL_MAX_IDENTIFIER_LEN)";

/// Names are identifiers: clients size their buffers by SQL_MAX_IDENTIFIER_LEN.
fn too_long(name: &str) -> bool {
    name.chars().count() as u64 > crate::table_meta::MAX_NAME_LENGTH
}

fn validate_table(cx: &Ctx, p: &Profile, t: &Table) -> Result<TableTypes> {
    let place = table_place(t);
    if t.name.trim().is_empty() {
        return Err(cx.err("", "table.name", "must not be empty"));
    }
    if too_long(&t.name) {
        return Err(cx.err(&place, "name", NAME_TOO_LONG));
    }
    if t.columns.is_empty() {
        return Err(cx.err(&place, "column", "declare at least one [[table.column]]"));
    }
    let mut cols = HashSet::new();
    let mut types = TableTypes {
        columns: Vec::with_capacity(t.columns.len()),
        filters: Vec::with_capacity(t.filters.len()),
    };
    for c in &t.columns {
        let cplace = format!("{place}column '{}', ", c.name);
        if !cols.insert(c.name.to_ascii_lowercase()) {
            return Err(cx.err(&cplace, "name", "another column has this name"));
        }
        if too_long(&c.name) {
            return Err(cx.err(&cplace, "name", NAME_TOO_LONG));
        }
        let ty = ColumnType::parse(&c.type_name).ok_or_else(|| {
            cx.err(
                &cplace,
                "type",
                format!("'{}' is not one of {TYPE_NAMES}", c.type_name),
            )
        })?;
        let format = match &c.format {
            None => TimeFormat::Guess,
            Some(f) => {
                if !matches!(ty, ColumnType::Timestamp | ColumnType::Date) {
                    return Err(cx.err(&cplace, "format", "applies to timestamp and date only"));
                }
                TimeFormat::parse(f).ok_or_else(|| {
                    cx.err(
                        &cplace,
                        "format",
                        "use rfc3339 or a chrono format such as %Y-%m-%d %H:%M:%S",
                    )
                })?
            }
        };
        if let Some(n) = c.max_length {
            if !matches!(ty, ColumnType::Text | ColumnType::Json) {
                return Err(cx.err(&cplace, "max_length", "applies to text and json only"));
            }
            if n == 0 || n > MAX_LENGTH_LIMIT {
                return Err(cx.err(
                    &cplace,
                    "max_length",
                    format!("must be a whole number from 1 to {MAX_LENGTH_LIMIT}"),
                ));
            }
        }
        if !c.labels.is_empty() && !matches!(ty, ColumnType::Text | ColumnType::Json) {
            return Err(cx.err(&cplace, "labels", "applies to text and json only"));
        }
        types.columns.push((ty, format));
    }
    if let Some(cf) = &t.custom_fields {
        validate_custom_fields(cx, p, t, &place, cf)?;
    }
    if let Some(sort) = &t.sort {
        validate_sort(cx, t, &place, sort, &types.columns)?;
    }
    super::validate_writes::routes(&|pl, k, m| cx.err(pl, k, m), t, &place)?;
    let has_col = |n: &str| t.columns.iter().any(|c| c.name.eq_ignore_ascii_case(n));
    if t.child.is_none() && t.path.trim().is_empty() && t.report.is_none() {
        return Err(cx.err(&place, "path", "must not be empty"));
    }
    let pg = t.pagination.as_ref().or(p.pagination.as_ref());
    if let Some(pg) = &t.pagination {
        validate_pagination(cx, &place, pg)?;
    }
    if pg.is_none() && t.child.is_none() && t.report.is_none() {
        return Err(cx.err(&place, "pagination", "declare [table.pagination] or a profile-wide [pagination] (kind = \"none\" for one request)"));
    }
    for f in &t.filters {
        if f.max_values == Some(0) {
            return Err(cx.err(&place, "filter.max_values", "must be at least 1"));
        }
        if !has_col(&f.column) {
            return Err(cx.err(
                &place,
                "filter.column",
                format!("'{}' is not a column of the table", f.column),
            ));
        }
        if let Some(tpl) = &f.template {
            if !tpl.contains("{value}") || f.ops.iter().any(|o| o != "=") {
                return Err(cx.err(
                    &place,
                    "filter.template",
                    "must contain {value} and the filter's ops must be [\"=\"]",
                ));
            }
        }
        let mut ops = Vec::with_capacity(f.ops.len());
        for op in &f.ops {
            let parsed = FilterOp::parse(op).ok_or_else(|| {
                cx.err(
                    &place,
                    "filter.ops",
                    format!("'{op}' is not supported; use \"=\", \"in\", \">=\" or \"<=\""),
                )
            })?;
            let time_column = t
                .columns
                .iter()
                .find(|c| c.name.eq_ignore_ascii_case(&f.column))
                .is_some_and(|c| matches!(c.type_name.as_str(), "timestamp" | "date"));
            if parsed.is_bound() && !time_column {
                return Err(cx.err(
                    &place,
                    "filter.ops",
                    format!(
                        "'{op}' bounds a time: '{}' must be a timestamp or date column",
                        f.column
                    ),
                ));
            }
            ops.push(parsed);
        }
        types.filters.push(ops);
    }
    if let Some(s) = &t.single {
        let keys: Vec<&str> = t
            .columns
            .iter()
            .filter(|c| c.key)
            .map(|c| c.name.as_str())
            .collect();
        let ph = placeholders(&s.path);
        if ph.len() != 1 || !keys.iter().any(|k| k.eq_ignore_ascii_case(ph[0])) {
            return Err(cx.err(
                &place,
                "single.path",
                "must hold exactly one placeholder naming the key column, e.g. /persons/{id}",
            ));
        }
    }
    if let Some(par) = &t.parent {
        validate_parent(cx, p, t, &place, par, &has_col)?;
    }
    if let Some(ch) = &t.child {
        let Some(pt) = p
            .tables
            .iter()
            .find(|x| x.name.eq_ignore_ascii_case(&ch.of))
        else {
            return Err(cx.err(&place, "child.of", format!("no table '{}'", ch.of)));
        };
        if pt.child.is_some() || pt.report.is_some() || pt.window.is_some() {
            return Err(cx.err(
                &place,
                "child.of",
                "the table holding the array must be a plain table (not a child, report or windowed list)",
            ));
        }
        if !pt.columns.iter().any(|c| c.key) {
            return Err(cx.err(
                &place,
                "child.of",
                format!("'{}' declares no key column", pt.name),
            ));
        }
        if !has_col(&ch.parent_column) {
            return Err(cx.err(
                &place,
                "child.parent_column",
                "is not a column of this table",
            ));
        }
    }
    if let Some(r) = &t.report {
        for (k, v) in [("poll_path", &r.poll_path), ("file_path", &r.file_path)] {
            if !v.contains("{job_id}") {
                return Err(cx.err(&place, &format!("report.{k}"), "must contain {job_id}"));
            }
        }
        if let Some(bad) = r
            .file_hosts
            .iter()
            .find(|h| h.as_str() != "*" && !is_host_pattern(h))
        {
            return Err(cx.err(
                &place,
                "report.file_hosts",
                format!("'{bad}' is not a host name, *.domain or *"),
            ));
        }
        if r.max_window_days == 0 || r.default_window_days == 0 {
            return Err(cx.err(&place, "report.max_window_days", "must be at least 1"));
        }
        if let Some(w) = &r.window_column {
            time_column(cx, t, &place, "report.window_column", w, &types.columns)?;
        }
    }
    if t.one_record {
        let own_kind = t.pagination.as_ref().map(|pg| pg.kind);
        if t.report.is_some() || t.child.is_some() || own_kind != Some(PageKind::None) {
            return Err(cx.err(
                &place,
                "one_record",
                "applies to a list endpoint with its own pagination = { kind = \"none\" } (one record per request)",
            ));
        }
    }
    if let Some(w) = &t.window {
        if t.report.is_some() || t.child.is_some() {
            return Err(cx.err(
                &place,
                "window",
                "applies to a list (a report has its own window; a child table has no requests)",
            ));
        }
        time_column(cx, t, &place, "window.column", &w.column, &types.columns)?;
        if w.from_param.trim().is_empty() || w.to_param.trim().is_empty() {
            return Err(cx.err(&place, "window", "name from_param and to_param"));
        }
        if w.max_window_days == 0 || w.default_window_days == 0 {
            return Err(cx.err(
                &place,
                "window.max_window_days",
                "and default_window_days must be at least 1",
            ));
        }
    }
    Ok(types)
}

/// `name` is a timestamp or date column of `t` (a window's column).
fn time_column(
    cx: &Ctx,
    t: &Table,
    place: &str,
    key: &str,
    name: &str,
    types: &[(ColumnType, TimeFormat)],
) -> Result<()> {
    let Some(i) = t
        .columns
        .iter()
        .position(|c| c.name.eq_ignore_ascii_case(name))
    else {
        return Err(cx.err(place, key, format!("'{name}' is not a column of the table")));
    };
    if !matches!(types[i].0, ColumnType::Timestamp | ColumnType::Date) {
        return Err(cx.err(
            place,
            key,
            format!(
                "'{name}' is of type {}; it must be a timestamp or date column",
                t.columns[i].type_name
            ),
        ));
    }
    Ok(())
}

/// Parents to read before a table's own requests; a chain this long is surely a mistake.
const MAX_PARENT_DEPTH: usize = 4;

/// `parent`: a table's column or fixed values, a column of this table that the path names; a
/// parent table may itself be read per parent, up to a few levels and never in a cycle.
fn validate_parent(
    cx: &Ctx,
    p: &Profile,
    t: &Table,
    place: &str,
    par: &Parent,
    has_col: &dyn Fn(&str) -> bool,
) -> Result<()> {
    if !has_col(&par.column) {
        return Err(cx.err(place, "parent.column", "is not a column of this table"));
    }
    if par.batch == Some(0) || (par.batch.is_some() && par.batch_separator.is_empty()) {
        return Err(cx.err(
            place,
            "parent.batch",
            "must be at least 1, with a non-empty batch_separator",
        ));
    }
    if par.batch.is_some() && t.one_record {
        return Err(cx.err(
            place,
            "parent.batch",
            "cannot be used with one_record: one record cannot answer several parents",
        ));
    }
    if par.batch.is_some()
        && par
            .values
            .iter()
            .any(|v| v.contains(par.batch_separator.as_str()))
    {
        return Err(cx.err(
            place,
            "parent.values",
            "a value holds the batch_separator, so a batch would split it",
        ));
    }
    if !placeholders(&t.path)
        .iter()
        .any(|ph| ph.eq_ignore_ascii_case(&par.column))
    {
        return Err(cx.err(place, "path", format!("must contain {{{}}}", par.column)));
    }
    let (table, key) = match (&par.table, &par.key, par.values.is_empty()) {
        (None, None, false) => {
            if par.values.iter().any(|v| v.trim().is_empty()) {
                return Err(cx.err(place, "parent.values", "must not hold an empty value"));
            }
            let mut seen = HashSet::new();
            if let Some(again) = par.values.iter().find(|v| !seen.insert(v.as_str())) {
                return Err(cx.err(place, "parent.values", format!("lists '{again}' twice")));
            }
            return Ok(());
        }
        (Some(table), Some(key), true) => (table, key),
        _ => {
            return Err(cx.err(
                place,
                "parent",
                "needs either table and key, or values (not both)",
            ))
        }
    };
    let Some(pt) = p.tables.iter().find(|x| x.name.eq_ignore_ascii_case(table)) else {
        return Err(cx.err(place, "parent.table", format!("no table '{table}'")));
    };
    if !pt.columns.iter().any(|c| c.name.eq_ignore_ascii_case(key)) {
        return Err(cx.err(
            place,
            "parent.key",
            format!("'{key}' is not a column of '{}'", pt.name),
        ));
    }
    let mut chain = vec![t.name.as_str()];
    let mut at = pt;
    loop {
        if at.child.is_some() || at.report.is_some() || at.window.is_some() {
            return Err(cx.err(
                place,
                "parent.table",
                format!(
                    "'{}' is a child, report or windowed table; a parent must be a list",
                    at.name
                ),
            ));
        }
        if chain.iter().any(|n| n.eq_ignore_ascii_case(&at.name)) || chain.len() > MAX_PARENT_DEPTH
        {
            return Err(cx.err(
                place,
                "parent.table",
                format!(
                    "the parents of '{}' form a cycle or a chain over {MAX_PARENT_DEPTH} long",
                    t.name
                ),
            ));
        }
        chain.push(&at.name);
        let next = at.parent.as_ref().and_then(|pp| pp.table.as_deref());
        match next.and_then(|n| p.tables.iter().find(|x| x.name.eq_ignore_ascii_case(n))) {
            Some(up) => at = up,
            None => return Ok(()),
        }
    }
}

/// The longest part suffix: a field's name (at most 80 characters, `_custom`), `_`, the suffix, `_`, an
/// 8-character key tag and a number stay within SQL_MAX_IDENTIFIER_LEN (128).
const MAX_PART_SUFFIX: usize = 22;

/// `[table.sort]`: a list table's own columns of an orderable type, each with its API value.
fn validate_sort(
    cx: &Ctx,
    t: &Table,
    place: &str,
    sort: &Sort,
    types: &[(ColumnType, TimeFormat)],
) -> Result<()> {
    if t.child.is_some() || t.report.is_some() || t.parent.is_some() || t.window.is_some() {
        return Err(cx.err(
            place,
            "sort",
            "applies to a table read from its own list (not a child, report, windowed or per-parent table)",
        ));
    }
    if sort.param.trim().is_empty() || sort.columns.is_empty() {
        return Err(cx.err(place, "sort", "name the parameter and at least one column"));
    }
    let in_value = sort.ascending.contains("{value}") || sort.descending.contains("{value}");
    if in_value && sort.direction_param.is_some() {
        return Err(cx.err(
            place,
            "sort",
            "a direction inside the value ({value}) needs no direction_param",
        ));
    }
    if let Some(natural) = &sort.natural {
        if !sort.columns.keys().any(|c| c.eq_ignore_ascii_case(natural)) {
            return Err(cx.err(
                place,
                "sort.natural",
                format!("'{natural}' is not one of sort.columns"),
            ));
        }
    }
    for (column, value) in &sort.columns {
        let at = t
            .columns
            .iter()
            .position(|c| c.name.eq_ignore_ascii_case(column))
            .ok_or_else(|| {
                cx.err(
                    place,
                    "sort.columns",
                    format!("'{column}' is not a column of the table"),
                )
            })?;
        let orderable = matches!(
            types[at].0,
            ColumnType::Int64
                | ColumnType::Int32
                | ColumnType::Float64
                | ColumnType::Decimal(..)
                | ColumnType::Date
                | ColumnType::Timestamp
        );
        if !orderable || value.trim().is_empty() {
            return Err(cx.err(
                place,
                &format!("sort.columns.{column}"),
                "must be a number, date or timestamp column with the API's name for it (text sorts by the API's collation)",
            ));
        }
    }
    for column in &sort.changing {
        if !sort.columns.keys().any(|c| c.eq_ignore_ascii_case(column)) {
            return Err(cx.err(
                place,
                "sort.changing",
                format!("'{column}' is not one of sort.columns"),
            ));
        }
    }
    Ok(())
}

fn validate_custom_fields(
    cx: &Ctx,
    p: &Profile,
    table: &Table,
    place: &str,
    cf: &CustomFields,
) -> Result<()> {
    let Some(defs) = p
        .tables
        .iter()
        .find(|x| x.name.eq_ignore_ascii_case(&cf.definitions))
    else {
        return Err(cx.err(
            place,
            "custom_fields.definitions",
            format!("no table '{}'", cf.definitions),
        ));
    };
    if defs.custom_fields.is_some()
        || defs.child.is_some()
        || defs.report.is_some()
        || defs.window.is_some()
    {
        return Err(cx.err(
            place,
            "custom_fields.definitions",
            "the table listing the fields must be a list (under a parent or not) without custom fields of its own",
        ));
    }
    let column_type = |key: &str, name: &str| -> Result<String> {
        defs.columns
            .iter()
            .find(|c| c.name.eq_ignore_ascii_case(name))
            .map(|c| c.type_name.to_ascii_lowercase())
            .ok_or_else(|| {
                cx.err(
                    place,
                    &format!("custom_fields.{key}"),
                    format!("'{name}' is not a column of '{}'", defs.name),
                )
            })
    };
    column_type("key", &cf.key)?;
    column_type("name", &cf.name)?;
    column_type("type", &cf.type_column)?;
    if let Some(options) = &cf.options {
        if column_type("options", options)? != "json" {
            return Err(cx.err(place, "custom_fields.options", "must name a json column"));
        }
    }
    if let Some(custom) = &cf.custom {
        if !matches!(column_type("custom", custom)?.as_str(), "boolean" | "bool") {
            return Err(cx.err(place, "custom_fields.custom", "must name a boolean column"));
        }
    }
    if let Some(both) = cf.query.keys().find(|k| table.query.contains_key(*k)) {
        return Err(cx.err(
            place,
            "custom_fields.query",
            format!("'{both}' is already in the table's query; say it once"),
        ));
    }
    if !cf.value.contains("{key}") {
        return Err(cx.err(place, "custom_fields.value", "must contain {key}"));
    }
    for (api_type, path) in &cf.value_by_type {
        if !path.contains("{key}") {
            return Err(cx.err(
                place,
                &format!("custom_fields.value_by_type.{api_type}"),
                "must contain {key}",
            ));
        }
    }
    for (api_type, ours) in &cf.types {
        if CustomFieldType::parse(ours).is_none() {
            return Err(cx.err(
                place,
                &format!("custom_fields.types.{api_type}"),
                format!("'{ours}' is not one of {TYPE_NAMES}, label, labels"),
            ));
        }
    }
    for part in &cf.parts {
        let ty = ColumnType::parse(&part.type_name).ok_or_else(|| {
            cx.err(
                place,
                "custom_fields.part.type",
                format!("'{}' is not one of {TYPE_NAMES}", part.type_name),
            )
        })?;
        if !part.path.contains("{key}") {
            return Err(cx.err(place, "custom_fields.part.path", "must contain {key}"));
        }
        if part.suffix.is_empty()
            || part.suffix.len() > MAX_PART_SUFFIX
            || !part
                .suffix
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        {
            return Err(cx.err(
                place,
                "custom_fields.part.suffix",
                format!("use at most {MAX_PART_SUFFIX} lower-case letters, digits and '_'"),
            ));
        }
        if let Some(f) = &part.format {
            if !matches!(ty, ColumnType::Timestamp | ColumnType::Date)
                || TimeFormat::parse(f).is_none()
            {
                return Err(cx.err(
                    place,
                    "custom_fields.part.format",
                    "applies to timestamp and date parts: rfc3339 or a chrono format",
                ));
            }
        }
    }
    Ok(())
}
