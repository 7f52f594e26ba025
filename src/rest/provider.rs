//! The DataFusion side of a REST table: a `TableProvider` that says which filters the API honours
//! exactly (and which ones narrow a report's window, a superset the engine still filters) and
//! plans a scan from them (`planned_scan`, which runs it).

use std::fmt;
use std::sync::Arc;

use async_trait::async_trait;
use datafusion::arrow::datatypes::{Field, SchemaRef};
use datafusion::catalog::Session;
use datafusion::common::ScalarValue;
use datafusion::datasource::{TableProvider, TableType};
use datafusion::logical_expr::{BinaryExpr, Expr, Operator, TableProviderFilterPushDown};
use datafusion::physical_plan::ExecutionPlan;

use super::context::ScanContext;
use super::custom_fields;
use super::json_to_arrow::{Converter, OutColumn};
use super::planned_scan::PlannedScan;
use super::scan::{distinct, Mode, ScanPlan};
use super::window::{self, Bounds};
use super::write;
use crate::profile::{FilterOp, Table, ValueFormat};
use crate::table_meta;
use datafusion::common::DataFusionError;
use datafusion::logical_expr::dml::InsertOp;

pub struct RestTable {
    ctx: Arc<ScanContext>,
    table: Arc<Table>,
    schema: SchemaRef,
    columns: Vec<OutColumn>,
}

impl fmt::Debug for RestTable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RestTable({})", self.table.name)
    }
}

/// What one pushed-down filter does to the requests.
#[derive(Clone, Debug)]
enum Use {
    Key(Vec<String>),
    Param(String, String),
    /// A clause of a parameter that holds several (`filter=a==1;b==2`), and the separator.
    Clause(String, String, String),
    /// A parameter sent with each of these values in turn (a list too long for one request).
    InTurn(String, Vec<String>),
    Parent(Vec<String>),
    /// Narrows a report's or windowed list's window; the engine still applies the filter (the
    /// window is coarser).
    Window(Bounds),
    /// Bounds of a time column sent as the API's range parameters (`since`, `until`), a
    /// little wider than asked; the engine still applies the filter.
    Range(Vec<(String, String)>),
    Engine,
}

impl RestTable {
    pub fn new(ctx: Arc<ScanContext>, table: Table) -> crate::error::Result<RestTable> {
        // A batched parent's column is in each record (one request covers several parents).
        let context_col = table
            .parent
            .as_ref()
            .filter(|p| p.batch.is_none())
            .map(|p| p.column.clone())
            .or_else(|| table.child.as_ref().map(|c| c.parent_column.clone()));
        let mut columns = Vec::new();
        for c in &table.columns {
            let from_ctx = context_col
                .as_deref()
                .is_some_and(|n| n.eq_ignore_ascii_case(&c.name));
            columns.push(OutColumn::new(c, from_ctx));
        }
        let fields: Vec<Field> = columns
            .iter()
            .zip(&table.columns)
            .map(|(c, declared)| {
                let field =
                    table_meta::column(&c.name, c.ty.arrow(), &declared.description, declared.key);
                let field = table_meta::with_writes(field, &write::column_writes(&table, declared));
                match declared.max_length {
                    Some(n) => table_meta::with_max_length(field, n),
                    None => field,
                }
            })
            .collect();
        let schema = Arc::new(table_meta::table_with_writes(
            table_meta::table(fields, &table.description),
            &write::table_writes(&table),
        ));
        Ok(RestTable {
            ctx,
            table: Arc::new(table),
            schema,
            columns,
        })
    }

    /// The table's name in SQL.
    pub fn name(&self) -> &str {
        &self.table.name
    }

    /// The table listing this table's custom fields, if it has any.
    pub fn custom_fields_table(&self) -> Option<&str> {
        let decl = self.table.custom_fields.as_ref()?;
        Some(&decl.definitions)
    }

    /// This table with the account's custom fields as further columns, read (one list, through
    /// the cache like any) from `definitions`, the table [`Self::custom_fields_table`] names.
    /// `None` while there is no credential to ask with (OAuth not authorized yet). A list the
    /// credentials may not read (403) or the API does not have (404) gives the table its own
    /// columns only, said in the log: asking again would be refused again.
    pub async fn with_custom_fields(
        &self,
        definitions: &RestTable,
    ) -> crate::error::Result<Option<RestTable>> {
        let mut table = Table::clone(&self.table);
        if let Some(decl) = &self.table.custom_fields {
            if !self.ctx.client.has_credential().await? {
                return Ok(None);
            }
            match self.ctx.field_definitions(&definitions.table).await {
                Ok(records) => {
                    let fields = custom_fields::definitions(decl, &definitions.table, &records);
                    let added = custom_fields::columns(decl, &self.table.columns, &fields);
                    tracing::debug!(
                        table = %self.table.name,
                        fields = added.len(),
                        "custom fields discovered"
                    );
                    table.columns.extend(added);
                    table.query.extend(decl.query.clone());
                    if let Some(single) = &mut table.single {
                        single.query.extend(decl.query.clone());
                    }
                }
                Err(e) if matches!(e.native, 403 | 404) => tracing::warn!(
                    "The custom fields of {} could not be read from {} ({}); it shows its built-in columns",
                    self.table.name,
                    definitions.table.name,
                    e.message
                ),
                Err(e) => return Err(e),
            }
        }
        RestTable::new(self.ctx.clone(), table).map(Some)
    }

    /// Whether the table is read on its own (no parent, child, report job or period): one request with
    /// a page size of 1 reads its first record.
    pub fn reads_on_its_own(&self) -> bool {
        let t = &self.table;
        t.parent.is_none() && t.child.is_none() && t.report.is_none() && t.window.is_none()
    }

    /// Asks for the table's first record, never from the cache: the API's answer to the
    /// credentials. Nothing is asked while OAuth has no token yet.
    pub async fn first_contact(&self) -> crate::error::Result<()> {
        let ctx = &self.ctx;
        let t = &self.table;
        let size = ctx
            .profile
            .pagination_of(t)
            .and_then(|pg| pg.size_param.clone())
            .map(|param| (param, "1".to_string()));
        let url = ctx.url(&t.path, &[], &ctx.list_query(t), &Vec::from_iter(size))?;
        if !ctx.client.has_credential().await? {
            return Ok(());
        }
        ctx.client.get_fresh(url).await.map(|_| ())
    }

    fn column_of<'a>(&self, e: &'a Expr) -> Option<&'a str> {
        match e {
            Expr::Column(c) => Some(c.name.as_str()),
            _ => None,
        }
    }

    /// `col = literal`, `col IN (literals)` and boolean `col` / `NOT col` as (column, values).
    fn equality<'a>(&self, e: &'a Expr) -> Option<(&'a str, Vec<ScalarValue>)> {
        match e {
            Expr::BinaryExpr(BinaryExpr {
                left,
                op: Operator::Eq,
                right,
            }) => match (left.as_ref(), right.as_ref()) {
                (l, Expr::Literal(v, _)) => Some((self.column_of(l)?, vec![v.clone()])),
                (Expr::Literal(v, _), r) => Some((self.column_of(r)?, vec![v.clone()])),
                _ => None,
            },
            // The optimiser writes a short IN list as `c = a OR c = b`.
            Expr::BinaryExpr(BinaryExpr {
                left,
                op: Operator::Or,
                right,
            }) => {
                let (lc, mut lv) = self.equality(left)?;
                let (rc, rv) = self.equality(right)?;
                if !lc.eq_ignore_ascii_case(rc) {
                    return None;
                }
                lv.extend(rv);
                Some((lc, lv))
            }
            // The optimiser writes `c = true` as `c` and `c = false` as `NOT c`; a bare column
            // in a filter is always a boolean one.
            Expr::Column(_) => Some((self.column_of(e)?, vec![ScalarValue::Boolean(Some(true))])),
            Expr::Not(inner) if matches!(inner.as_ref(), Expr::Column(_)) => Some((
                self.column_of(inner)?,
                vec![ScalarValue::Boolean(Some(false))],
            )),
            Expr::InList(inl) if !inl.negated => {
                let col = self.column_of(&inl.expr)?;
                let mut vals = Vec::new();
                for item in &inl.list {
                    match item {
                        Expr::Literal(v, _) => vals.push(v.clone()),
                        _ => return None,
                    }
                }
                Some((col, vals))
            }
            _ => None,
        }
    }

    /// The range parameters (`since`, `until`) that filter `e` allows, none already in `used`:
    /// a lower bound is sent one second (or day) earlier and an upper bound at the exclusive end,
    /// so that neither the API's rounding nor whether it counts the bound itself drops a row.
    fn range_params(&self, e: &Expr, used: &[String]) -> Vec<(String, String)> {
        let mut sent: Vec<(String, String)> = Vec::new();
        for f in &self.table.filters {
            let taken = |p: &str| {
                used.iter()
                    .chain(sent.iter().map(|(p, _)| p))
                    .any(|u| u.eq_ignore_ascii_case(p))
            };
            if taken(&f.param) {
                continue;
            }
            let bounds = window::bounds_of(e, &f.column);
            let value = if f.accepts(FilterOp::AtLeast) {
                bounds
                    .from
                    .and_then(|from| instant_text(from - 1, f.format, false))
            } else if f.accepts(FilterOp::AtMost) {
                bounds.to.and_then(|to| instant_text(to, f.format, true))
            } else {
                None
            };
            if let Some(v) = value {
                sent.push((f.param.clone(), v));
            }
        }
        sent
    }

    /// How each filter is used; computed the same way for pushdown and for the scan.
    fn classify(&self, filters: &[&Expr]) -> Vec<Use> {
        let t = &self.table;
        let key_col = t.columns.iter().find(|c| c.key).map(|c| c.name.as_str());
        let eqs: Vec<Option<(&str, Vec<ScalarValue>)>> =
            filters.iter().map(|f| self.equality(f)).collect();
        let is_key = |c: &str| {
            t.single.is_some()
                && t.parent.is_none()
                && t.child.is_none()
                && t.report.is_none()
                && key_col.is_some_and(|k| k.eq_ignore_ascii_case(c))
        };
        // Several keys the list takes in one request (`ids=1,2,3`) are one list read, which the
        // other filters can narrow too, rather than a lookup per key.
        // A list longer than the filter's `max_values` is read in several such requests.
        let listed = |c: &str, n: usize| {
            n > 1 && exact_filter(t, c).is_some_and(|f| f.accepts(FilterOp::In))
        };
        // A key lookup ignores list parameters, so with a key filter the others go to the engine.
        let key_at = eqs.iter().position(|e| {
            e.as_ref()
                .is_some_and(|(c, vals)| is_key(c) && !listed(c, vals.len()))
        });
        let window_col = t
            .report
            .as_ref()
            .and_then(|r| r.window_column.as_deref())
            .or(t.window.as_ref().map(|w| w.column.as_str()));
        let mut used_params: Vec<String> = Vec::new();
        let mut parent_done = false;
        let mut in_turn_done = false;
        eqs.iter()
            .enumerate()
            .map(|(i, e)| {
                if let Some(wc) = window_col {
                    let b = window::bounds_of(filters[i], wc);
                    if b.is_bounded() {
                        return Use::Window(b);
                    }
                }
                let Some((col, vals)) = e else {
                    if key_at.is_none() && t.child.is_none() && t.report.is_none() {
                        let sent = self.range_params(filters[i], &used_params);
                        if !sent.is_empty() {
                            used_params.extend(sent.iter().map(|(p, _)| p.clone()));
                            return Use::Range(sent);
                        }
                    }
                    return Use::Engine;
                };
                if let Some(k) = key_at {
                    if k != i {
                        return Use::Engine;
                    }
                    return texts(vals, ValueFormat::Text)
                        .map(|keys| Use::Key(distinct(keys)))
                        .unwrap_or(Use::Engine);
                }
                let parent_col = t.parent.as_ref().map(|p| p.column.as_str()).or_else(|| {
                    t.child.as_ref().and_then(|c| {
                        let pt = self.ctx.profile.table(&c.of)?;
                        pt.single.as_ref().map(|_| c.parent_column.as_str())
                    })
                });
                if !parent_done && parent_col.is_some_and(|p| p.eq_ignore_ascii_case(col)) {
                    parent_done = true;
                    return texts(vals, ValueFormat::Text)
                        .map(|parents| Use::Parent(distinct(parents)))
                        .unwrap_or(Use::Engine);
                }
                if t.child.is_some() || t.report.is_some() {
                    return Use::Engine;
                }
                let Some(f) = exact_filter(t, col) else {
                    return Use::Engine;
                };
                if let Some(tpl) = &f.template {
                    // Clauses share their parameter with each other, never with a plain value.
                    let plain_use = used_params.iter().any(|p| p.eq_ignore_ascii_case(&f.param));
                    return match texts(vals, f.format).as_deref() {
                        // A value holding the separator would read as a second clause.
                        Some([v]) if !plain_use && !v.contains(f.clause_separator.as_str()) => {
                            Use::Clause(
                                f.param.clone(),
                                tpl.replace("{value}", v),
                                f.clause_separator.clone(),
                            )
                        }
                        _ => Use::Engine,
                    };
                }
                if used_params.iter().any(|p| p.eq_ignore_ascii_case(&f.param))
                    || t.filters.iter().any(|o| {
                        o.template.is_some()
                            && o.param.eq_ignore_ascii_case(&f.param)
                            && eqs
                                .iter()
                                .flatten()
                                .any(|(c, _)| o.column.eq_ignore_ascii_case(c))
                    })
                {
                    return Use::Engine;
                }
                let op_ok = f.accepts(FilterOp::In) || (vals.len() == 1 && f.accepts(FilterOp::Eq));
                if !op_ok {
                    return Use::Engine;
                }
                let Some(v) = texts(vals, f.format).filter(|v| !v.is_empty()) else {
                    return Use::Engine;
                };
                let most = f.max_values.unwrap_or(usize::MAX).max(1);
                if v.len() > most {
                    // Requests in turn multiply with a second such list: that one is the engine's.
                    if in_turn_done {
                        return Use::Engine;
                    }
                    in_turn_done = true;
                    let v = distinct(v);
                    used_params.push(f.param.clone());
                    let lists = v.chunks(most).map(|c| c.join(&f.separator)).collect();
                    return Use::InTurn(f.param.clone(), lists);
                }
                used_params.push(f.param.clone());
                Use::Param(f.param.clone(), v.join(&f.separator))
            })
            .collect()
    }
}

/// The filter that sends `column = v` / `column IN (...)` to the API, if any.
fn exact_filter<'t>(t: &'t Table, column: &str) -> Option<&'t crate::profile::Filter> {
    t.filters.iter().find(|f| {
        f.column.eq_ignore_ascii_case(column)
            && (f.accepts(FilterOp::Eq) || f.accepts(FilterOp::In))
    })
}

/// Unix seconds as a range parameter in `fmt`; an upper bound (`upper`) given as a day is the
/// day that holds the instant just before it, or, if that instant is not midnight, the day after.
fn instant_text(secs: i64, fmt: ValueFormat, upper: bool) -> Option<String> {
    const DAY: i64 = 86_400;
    let at = |s: i64| chrono::DateTime::from_timestamp(s, 0);
    Some(match fmt {
        ValueFormat::EpochSeconds => secs.to_string(),
        ValueFormat::Date => {
            let day = if upper {
                secs.div_euclid(DAY) + i64::from(secs.rem_euclid(DAY) != 0)
            } else {
                secs.div_euclid(DAY)
            };
            at(day * DAY)?.format("%Y-%m-%d").to_string()
        }
        _ => at(secs)?.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
    })
}

/// Literal values as the API wants them; `None` for NULLs and types with no agreed text.
fn texts(vals: &[ScalarValue], fmt: ValueFormat) -> Option<Vec<String>> {
    vals.iter()
        .map(|v| {
            Some(match v {
                ScalarValue::Utf8(Some(s))
                | ScalarValue::LargeUtf8(Some(s))
                | ScalarValue::Utf8View(Some(s)) => s.clone(),
                ScalarValue::Int8(Some(i)) => i.to_string(),
                ScalarValue::Int16(Some(i)) => i.to_string(),
                ScalarValue::Int32(Some(i)) => i.to_string(),
                ScalarValue::Int64(Some(i)) => i.to_string(),
                ScalarValue::UInt8(Some(i)) => i.to_string(),
                ScalarValue::UInt16(Some(i)) => i.to_string(),
                ScalarValue::UInt32(Some(i)) => i.to_string(),
                ScalarValue::UInt64(Some(i)) => i.to_string(),
                ScalarValue::Boolean(Some(b)) => match fmt {
                    ValueFormat::Bool01 => if *b { "1" } else { "0" }.to_string(),
                    _ => b.to_string(),
                },
                _ => return None,
            })
        })
        .collect()
}

#[async_trait]
impl TableProvider for RestTable {
    fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }

    fn table_type(&self) -> TableType {
        TableType::Base
    }

    fn supports_filters_pushdown(
        &self,
        filters: &[&Expr],
    ) -> datafusion::common::Result<Vec<TableProviderFilterPushDown>> {
        Ok(self
            .classify(filters)
            .into_iter()
            .map(|u| match u {
                Use::Engine => TableProviderFilterPushDown::Unsupported,
                // Inexact also keeps DataFusion from pushing a LIMIT the window would not honour.
                Use::Window(_) | Use::Range(_) => TableProviderFilterPushDown::Inexact,
                _ => TableProviderFilterPushDown::Exact,
            })
            .collect())
    }

    async fn scan(
        &self,
        _state: &dyn Session,
        projection: Option<&Vec<usize>>,
        filters: &[Expr],
        limit: Option<usize>,
    ) -> datafusion::common::Result<Arc<dyn ExecutionPlan>> {
        self.planned(projection, filters, limit, false)
    }

    async fn insert_into(
        &self,
        _state: &dyn Session,
        input: Arc<dyn ExecutionPlan>,
        op: InsertOp,
    ) -> datafusion::common::Result<Arc<dyn ExecutionPlan>> {
        if op != InsertOp::Append {
            return Err(DataFusionError::External(Box::new(
                crate::error::Error::new(
                    crate::error::SqlError::NotImplemented,
                    format!("{op} is not possible on an API's table; use INSERT INTO"),
                ),
            )));
        }
        write::insert(&self.ctx, &self.table, self.schema.clone(), input)
    }

    async fn update(
        &self,
        state: &dyn Session,
        assignments: Vec<(String, Expr)>,
        filters: Vec<Expr>,
    ) -> datafusion::common::Result<Arc<dyn ExecutionPlan>> {
        self.change(state, &assignments, filters, write::Op::Update)
            .await
    }

    async fn delete_from(
        &self,
        state: &dyn Session,
        filters: Vec<Expr>,
    ) -> datafusion::common::Result<Arc<dyn ExecutionPlan>> {
        self.change(state, &[], filters, write::Op::Delete).await
    }
}

impl RestTable {
    /// The scan of the rows `filters` select (the ones the API honours sent with the requests),
    /// of the columns `projection` names, at most `limit` of them, and past MaxRows when
    /// `uncapped`.
    fn planned(
        &self,
        projection: Option<&Vec<usize>>,
        filters: &[Expr],
        limit: Option<usize>,
        uncapped: bool,
    ) -> datafusion::common::Result<Arc<dyn ExecutionPlan>> {
        let refs: Vec<&Expr> = filters.iter().collect();
        let mut plan = ScanPlan {
            mode: Mode::List,
            params: Vec::new(),
            parents: None,
            in_turn: None,
            window: Bounds::default(),
            limit: limit.map(|l| l as u64),
            uncapped,
        };
        for u in self.classify(&refs) {
            match u {
                Use::Key(keys) => plan.mode = Mode::Keys(keys),
                Use::Param(p, v) => plan.params.push((p, v)),
                Use::Clause(p, clause, sep) => {
                    match plan
                        .params
                        .iter_mut()
                        .find(|(q, _)| q.eq_ignore_ascii_case(&p))
                    {
                        Some((_, v)) => {
                            v.push_str(&sep);
                            v.push_str(&clause);
                        }
                        None => plan.params.push((p, clause)),
                    }
                }
                Use::InTurn(p, lists) => plan.in_turn = Some((p, lists)),
                Use::Range(ps) => plan.params.extend(ps),
                Use::Parent(ps) => plan.parents = Some(ps),
                Use::Window(b) => plan.window = plan.window.and(b),
                Use::Engine => {}
            }
        }
        let indices: Vec<usize> = match projection {
            Some(p) => p.clone(),
            None => (0..self.columns.len()).collect(),
        };
        let columns: Vec<OutColumn> = indices
            .iter()
            .filter_map(|i| self.columns.get(*i).cloned())
            .collect();
        let schema = Arc::new(self.schema.project(&indices)?);
        let key_path = self
            .table
            .columns
            .iter()
            .find(|c| c.key)
            .map(|c| c.json_path().to_string());
        let conv = Arc::new(Converter::new(
            self.table.name.clone(),
            key_path,
            columns,
            schema.clone(),
        ));
        PlannedScan {
            ctx: self.ctx.clone(),
            // Scans are planned as their statement executes, right after it was numbered.
            statement: self.ctx.client.log().last_statement(),
            table: self.table.clone(),
            conv,
            plan,
            schema,
            sort: None,
        }
        .exec()
    }

    /// An UPDATE or DELETE: the rows the filters select are read with this table's own scan
    /// (the filters the API honours pushed down, as a SELECT would), then changed one by one.
    async fn change(
        &self,
        state: &dyn Session,
        assignments: &[(String, Expr)],
        filters: Vec<Expr>,
        op: write::Op,
    ) -> datafusion::common::Result<Arc<dyn ExecutionPlan>> {
        write::check_change(&self.ctx, &self.table, op, &filters)
            .map_err(|e| DataFusionError::External(Box::new(e)))?;
        let scan = self.planned(None, &filters, None, true)?;
        write::change(
            &self.ctx,
            &self.table,
            self.schema.clone(),
            state,
            scan,
            &filters,
            assignments,
            op,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_are_written_in_the_filters_format_never_narrower() {
        // 2026-01-31T09:30:00Z
        let at = 1_769_851_800;
        assert_eq!(
            instant_text(at, ValueFormat::Rfc3339, false).as_deref(),
            Some("2026-01-31T09:30:00Z")
        );
        assert_eq!(
            instant_text(at, ValueFormat::EpochSeconds, true).as_deref(),
            Some("1769851800")
        );
        assert_eq!(
            instant_text(at, ValueFormat::Date, false).as_deref(),
            Some("2026-01-31")
        );
        // An upper bound inside a day covers that whole day.
        assert_eq!(
            instant_text(at, ValueFormat::Date, true).as_deref(),
            Some("2026-02-01")
        );
        let midnight = at - 9 * 3600 - 30 * 60;
        assert_eq!(
            instant_text(midnight, ValueFormat::Date, true).as_deref(),
            Some("2026-01-31")
        );
    }
}
