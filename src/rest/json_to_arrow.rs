//! JSON records → one Arrow record batch, column by column as the profile declares: from parsed
//! records (found by path) or from a pager's chunk (read from its bytes by `record_cells`), every
//! cell by the rules of `cell_values` through one `column_sink`. A value that does not fit its
//! column fails the query with table, column, key and value in the message; a missing field or
//! JSON null is SQL NULL.

use std::sync::atomic::{AtomicUsize, Ordering};

use datafusion::arrow::array::ArrayRef;
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::arrow::record_batch::{RecordBatch, RecordBatchOptions};
use serde_json::Value;

pub use super::cell_values::OutColumn;
use super::column_sink::ColumnSink;
use super::jsonpath;
use super::record_cells::{Cells, PathTree};
use super::records::Records;
use crate::error::{ApiError, Error, Result};

/// A record with the value the scan's context supplies (the parent's key), if any.
pub struct Row {
    pub record: Value,
    pub context: Option<Value>,
}

pub struct Converter {
    pub table: String,
    pub key_path: Option<String>,
    pub columns: Vec<OutColumn>,
    pub schema: SchemaRef,
    /// The columns' paths, to read records straight from their bytes.
    tree: PathTree,
    /// Bytes per row each text column's last batch took, so the next batch's builders start
    /// that large instead of growing by doubling (a JSON column of e-mail lists doubled five
    /// times per batch).
    text_per_row: Vec<AtomicUsize>,
}

impl Converter {
    pub fn new(
        table: String,
        key_path: Option<String>,
        columns: Vec<OutColumn>,
        schema: SchemaRef,
    ) -> Converter {
        let tree = PathTree::new(&columns);
        Converter {
            table,
            key_path,
            text_per_row: columns.iter().map(|_| AtomicUsize::new(0)).collect(),
            columns,
            schema,
            tree,
        }
    }

    pub fn convert(&self, rows: &[Row]) -> Result<RecordBatch> {
        let mut sinks = self.sinks(rows.len())?;
        for row in rows {
            for (col, sink) in self.columns.iter().zip(sinks.iter_mut()) {
                let v = self.value(col, row);
                if let Err(what) = sink.push(v) {
                    let v = v.unwrap_or(&Value::Null);
                    return Err(self.bad(col, &row.record, v, what));
                }
            }
        }
        self.batch(sinks, rows.len())
    }

    /// Converts a pager's chunk, each streamed record read from its bytes into the cells its
    /// columns want (no record is built); `context` fills the context's columns. A record that
    /// is not JSON, or a value that does not fit its column, sends the chunk the parsed way, so
    /// the error is the same as there.
    pub fn convert_records(
        &self,
        records: &Records,
        context: Option<&Value>,
    ) -> Result<RecordBatch> {
        match self.convert_direct(records, context) {
            Some(batch) => batch,
            None => {
                let rows: Vec<Row> = records
                    .to_values()?
                    .into_iter()
                    .map(|record| Row {
                        record,
                        context: context.cloned(),
                    })
                    .collect();
                self.convert(&rows)
            }
        }
    }

    /// `None` when the chunk must be converted the parsed way.
    fn convert_direct(
        &self,
        records: &Records,
        context: Option<&Value>,
    ) -> Option<Result<RecordBatch>> {
        let mut sinks = match self.sinks(records.len()) {
            Ok(s) => s,
            Err(e) => return Some(Err(e)),
        };
        let mut cells = Cells::default();
        for raw in records.raw() {
            self.tree.read(raw, &mut cells).ok()?;
            for (i, (col, sink)) in self.columns.iter().zip(sinks.iter_mut()).enumerate() {
                let v = if col.from_context {
                    context
                } else {
                    cells.get(i)
                };
                sink.push(v).ok()?;
            }
        }
        for record in records.parsed() {
            for (col, sink) in self.columns.iter().zip(sinks.iter_mut()) {
                let v = if col.from_context {
                    context
                } else {
                    jsonpath::get(record, &col.path)
                };
                sink.push(v).ok()?;
            }
        }
        Some(self.batch(sinks, records.len()))
    }

    fn sinks(&self, rows: usize) -> Result<Vec<ColumnSink>> {
        self.columns
            .iter()
            .zip(&self.text_per_row)
            .map(|(c, per_row)| ColumnSink::new(c, rows, per_row.load(Ordering::Relaxed)))
            .collect()
    }

    fn batch(&self, sinks: Vec<ColumnSink>, rows: usize) -> Result<RecordBatch> {
        for (sink, per_row) in sinks.iter().zip(&self.text_per_row) {
            if let Some(bytes) = sink.text_bytes().filter(|_| rows > 0) {
                per_row.store(bytes.div_ceil(rows), Ordering::Relaxed);
            }
        }
        let arrays: Vec<ArrayRef> = sinks.into_iter().map(ColumnSink::finish).collect();
        let options = RecordBatchOptions::new().with_row_count(Some(rows));
        RecordBatch::try_new_with_options(self.schema.clone(), arrays, &options).map_err(|e| {
            Error::general(format!(
                "Internal error building a batch of {}: {e}",
                self.table
            ))
        })
    }

    fn value<'a>(&self, col: &OutColumn, row: &'a Row) -> Option<&'a Value> {
        let v = if col.from_context {
            row.context.as_ref()
        } else {
            jsonpath::get(&row.record, &col.path)
        };
        v.filter(|v| !v.is_null())
    }

    fn bad(&self, col: &OutColumn, record: &Value, v: &Value, what: &str) -> Error {
        let key = self
            .key_path
            .as_deref()
            .and_then(|p| jsonpath::get(record, p))
            .map(|k| k.to_string())
            .unwrap_or_else(|| "(none)".into());
        let shown = crate::secret::excerpt(&v.to_string(), 200);
        Error::new(
            ApiError::BadValue,
            format!(
                "Table {}, column {}, key {key}: the value {shown} is not {what}; the profile's column type does not match the API's data",
                self.table, col.name
            ),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::super::cell_values::{decimal, plain_datetime, timestamp, SPACED};
    use super::*;
    use crate::profile::{ColumnType, TimeFormat};
    use chrono::NaiveDateTime;
    use datafusion::arrow::array::{Array, LargeStringArray, StringArray};
    use datafusion::arrow::datatypes::{Field, Schema};
    use serde_json::json;
    use std::collections::BTreeMap;
    use std::sync::Arc;

    fn conv(cols: Vec<OutColumn>) -> Converter {
        let fields: Vec<Field> = cols
            .iter()
            .map(|c| Field::new(&c.name, c.ty.arrow(), true))
            .collect();
        Converter::new(
            "t".into(),
            Some("id".into()),
            cols,
            Arc::new(Schema::new(fields)),
        )
    }
    fn col(name: &str, path: &str, ty: ColumnType, format: Option<&str>) -> OutColumn {
        OutColumn {
            name: name.into(),
            path: path.into(),
            ty,
            format: format
                .and_then(TimeFormat::parse)
                .unwrap_or(TimeFormat::Guess),
            from_context: false,
            labels: None,
        }
    }

    #[test]
    fn text_columns_learn_their_bytes_per_row_from_the_last_batch() {
        let c = conv(vec![
            col("note", "note", ColumnType::Text, None),
            col("id", "id", ColumnType::Int64, None),
        ]);
        let rows: Vec<Row> = [json!({"note": "x".repeat(100), "id": 1}), json!({"id": 2})]
            .into_iter()
            .map(|record| Row {
                record,
                context: None,
            })
            .collect();
        assert_eq!(c.text_per_row[0].load(Ordering::Relaxed), 0);
        let b = c.convert(&rows).unwrap();
        assert_eq!(b.num_rows(), 2);
        assert_eq!(c.text_per_row[0].load(Ordering::Relaxed), 50);
        assert_eq!(c.text_per_row[1].load(Ordering::Relaxed), 0);
        // The next batch is built the same whatever it reserved.
        let again = c.convert(&rows).unwrap();
        assert_eq!(again, b);
        // One huge value in a batch of one row: the next batch of many rows reserves at most
        // the bound, and its values are whole.
        let huge = [json!({"note": "y".repeat(3 << 20), "id": 3})].map(|record| Row {
            record,
            context: None,
        });
        c.convert(&huge).unwrap();
        assert_eq!(c.text_per_row[0].load(Ordering::Relaxed), 3 << 20);
        let many: Vec<Row> = (0..1024)
            .map(|i| Row {
                record: json!({"note": format!("n{i}"), "id": i}),
                context: None,
            })
            .collect();
        let batch = c.convert(&many).unwrap();
        let notes = batch
            .column(0)
            .as_any()
            .downcast_ref::<StringArray>()
            .unwrap();
        assert_eq!((notes.len(), notes.value(1023)), (1024, "n1023"));
        assert!(batch.get_array_memory_size() < 16 << 20);
    }

    #[test]
    fn option_ids_show_as_labels_and_unknown_ids_as_themselves() {
        let labels: BTreeMap<String, String> =
            [("1", "Gold"), ("2", "Silver"), ("3", "Say \"hé\"\\\n")]
                .map(|(k, v)| (k.into(), v.into()))
                .into();
        let labels = Some(Arc::new(labels));
        let mut one = col("tier", "tier", ColumnType::Text, None);
        one.labels = labels.clone();
        let mut many = col("tags", "tags", ColumnType::Json, None);
        many.labels = labels;
        let c = conv(vec![one, many]);
        let rows: Vec<Row> = [
            json!({"tier": "1", "tags": "1,2"}),
            json!({"tier": 2, "tags": [2, 9]}),
            json!({"tier": 9, "tags": null}),
            json!({"tier": null, "tags": ""}),
            json!({"tier": 3, "tags": " 3 ,1"}),
            json!({"tier": 1, "tags": 3}),
        ]
        .into_iter()
        .map(|record| Row {
            record,
            context: None,
        })
        .collect();
        let b = c.convert(&rows).unwrap();
        let tier = b.column(0).as_any().downcast_ref::<StringArray>().unwrap();
        let tags = b
            .column(1)
            .as_any()
            .downcast_ref::<LargeStringArray>()
            .unwrap();
        assert_eq!(tier.value(0), "Gold");
        assert_eq!(tier.value(1), "Silver");
        assert_eq!(tier.value(2), "9");
        assert!(tier.is_null(3));
        assert_eq!(tags.value(0), r#"["Gold","Silver"]"#);
        assert_eq!(tags.value(1), r#"["Silver","9"]"#);
        assert!(tags.is_null(2));
        assert_eq!(tags.value(3), "[]");
        assert_eq!(tier.value(4), "Say \"hé\"\\\n");
        // Labels are escaped as JSON strings are.
        let escaped = serde_json::Value::from(vec!["Say \"hé\"\\\n", "Gold"]).to_string();
        assert_eq!(tags.value(4), escaped);
        assert_eq!(tags.value(4), r#"["Say \"hé\"\\\n","Gold"]"#);
        assert_eq!(tags.value(5), r#"["Say \"hé\"\\\n"]"#);
    }

    #[test]
    fn plain_dates_agree_with_chrono_and_leave_the_rest_to_it() {
        use super::super::cell_values::date;
        for text in [
            "2024-02-29",
            "1999-12-31",
            "0001-01-01",
            "2023-02-29",
            "2024-13-01",
        ] {
            let chrono = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .ok()
                .map(|d| {
                    Some(
                        (d - chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap()).num_days()
                            as i32,
                    )
                });
            assert_eq!(date(&json!(text), &TimeFormat::Guess), chrono, "{text}");
            let pattern = TimeFormat::Pattern("%Y-%m-%d".into());
            assert_eq!(date(&json!(text), &pattern), chrono, "{text}");
        }
        // Fewer digits and RFC 3339 still go to chrono.
        assert_eq!(
            date(&json!("2024-1-5"), &TimeFormat::Guess),
            Some(Some(19_727))
        );
        assert_eq!(
            date(&json!("2024-01-05T10:00:00Z"), &TimeFormat::Guess),
            Some(Some(19_727))
        );
    }

    #[test]
    fn plain_datetimes_agree_with_chrono_and_leave_the_rest_to_it() {
        for text in [
            "2024-01-02 03:04:05",
            "1999-12-31 23:59:59",
            "2024-02-29 00:00:00",
        ] {
            assert_eq!(
                plain_datetime(text, b' '),
                NaiveDateTime::parse_from_str(text, SPACED).ok(),
                "{text}"
            );
        }
        for odd in [
            "2023-02-29 00:00:00",
            "2024-01-02 24:00:00",
            "2024-01-02T03:04:05",
            "2024-1-02 03:04:05",
            "+2024-01-02 03:04:0",
            "2024-01-02 03:04:05.5",
        ] {
            assert_eq!(plain_datetime(odd, b' '), None, "{odd}");
        }
        // The fallbacks still read what the hand parser does not.
        let v = json!("2024-01-02T03:04:05.250");
        assert_eq!(
            timestamp(&v, &TimeFormat::Guess),
            Some(Some(1_704_164_645_250_000))
        );
        assert_eq!(
            timestamp(
                &json!("2024-01-02 03:04:05"),
                &TimeFormat::Pattern(SPACED.into())
            ),
            Some(Some(1_704_164_645_000_000))
        );
        assert_eq!(
            timestamp(
                &json!("2024-01-02 3:04:05"),
                &TimeFormat::Pattern(SPACED.into())
            ),
            Some(Some(1_704_164_645_000_000))
        );
    }

    #[test]
    fn offsets_are_applied_with_or_without_their_colon() {
        let micros = |s: &str, f: Option<&str>| {
            let fmt = f.and_then(TimeFormat::parse).unwrap_or(TimeFormat::Rfc3339);
            timestamp(&json!(s), &fmt).flatten()
        };
        let noon_utc = micros("2026-03-01T12:00:00Z", None);
        assert!(noon_utc.is_some());
        for (text, f) in [
            ("2026-03-01T12:00:00.000+0000", None),
            ("2026-03-01T14:00:00+0200", None),
            (
                "2026-03-01T14:00:00.000+0200",
                Some("%Y-%m-%dT%H:%M:%S%.f%z"),
            ),
            (
                "2026-03-01T07:00:00.000-0500",
                Some("%Y-%m-%dT%H:%M:%S%.f%z"),
            ),
        ] {
            assert_eq!(micros(text, f), noon_utc, "{text}");
        }
    }

    #[test]
    fn converts_services_formats() {
        let c = conv(vec![
            col("id", "id", ColumnType::Int64, None),
            col("owner", "owner_id.id", ColumnType::Int64, None),
            col(
                "t",
                "add_time",
                ColumnType::Timestamp,
                Some("%Y-%m-%d %H:%M:%S"),
            ),
            col("r", "r", ColumnType::Timestamp, Some("rfc3339")),
            col("j", "email", ColumnType::Json, None),
            col("d", "v", ColumnType::Decimal(10, 2), None),
            col("b", "flag", ColumnType::Boolean, None),
        ]);
        let rows = vec![
            Row {
                record: json!({"id": "7", "owner_id": {"id": 3}, "add_time": "2024-01-02 03:04:05", "r": "2024-01-02T03:04:05+01:00", "email": [{"value": "a@b"}], "v": 12.5, "flag": true}),
                context: None,
            },
            Row {
                record: json!({"id": 8, "owner_id": null}),
                context: None,
            },
        ];
        let b = c.convert(&rows).unwrap_or_else(|e| panic!("{}", e.message));
        assert_eq!(b.num_rows(), 2);
        let ts = b
            .column(2)
            .as_any()
            .downcast_ref::<datafusion::arrow::array::TimestampMicrosecondArray>()
            .map(|a| a.value(0));
        assert_eq!(ts, Some(1_704_164_645_000_000));
        let r = b
            .column(3)
            .as_any()
            .downcast_ref::<datafusion::arrow::array::TimestampMicrosecondArray>()
            .map(|a| a.value(0));
        assert_eq!(r, Some(1_704_161_045_000_000));
        assert_eq!(b.column(1).null_count(), 1);
        assert_eq!(decimal(&json!("12.5"), 10, 2), Some(Some(1250)));
        assert_eq!(decimal(&json!("1.234"), 10, 2), None);
    }

    #[test]
    fn misfit_names_table_column_key_value() {
        let c = conv(vec![
            col("id", "id", ColumnType::Int64, None),
            col("n", "n", ColumnType::Int64, None),
        ]);
        let rows = vec![Row {
            record: json!({"id": 5, "n": "abc"}),
            context: None,
        }];
        let e = c
            .convert(&rows)
            .err()
            .map(|e| e.message)
            .unwrap_or_default();
        assert!(
            e.contains("Table t, column n, key 5") && e.contains("\"abc\""),
            "{e}"
        );
    }

    /// A chunk of raw records, as the pager hands it out.
    fn chunk(records: &[Value]) -> Records {
        let mut chunk = Records::new("http://api.test/list");
        for r in records {
            chunk.push_raw(&serde_json::to_vec(r).expect("json"));
        }
        chunk
    }

    #[test]
    fn records_read_from_their_bytes_convert_as_parsed_ones_do() {
        let mut labelled = col("stage", "stage", ColumnType::Text, None);
        labelled.labels = Some(Arc::new(BTreeMap::from([("1".into(), "Won".into())])));
        let mut parent = col("parent_id", "", ColumnType::Text, None);
        parent.from_context = true;
        let c = conv(vec![
            col("id", "id", ColumnType::Int64, None),
            col("name", "name", ColumnType::Text, None),
            col("owner", "owner.id", ColumnType::Int32, None),
            col("value", "value", ColumnType::Float64, None),
            col("ok", "ok", ColumnType::Boolean, None),
            col("day", "day", ColumnType::Date, None),
            col("at", "at", ColumnType::Timestamp, Some("rfc3339")),
            col("amount", "amount", ColumnType::Decimal(12, 2), None),
            col("tags", "tags", ColumnType::Json, None),
            col("first_email", "emails.0.value", ColumnType::Text, None),
            col("cf", "custom.[id=7].content", ColumnType::Text, None),
            labelled,
            parent,
        ]);
        let records = [
            json!({"id": 1, "name": "Ann", "owner": {"id": 5}, "value": 1.5, "ok": true,
                   "day": "2026-01-02", "at": "2026-01-02T03:04:05Z", "amount": "12.50",
                   "tags": ["a", {"b": 1}], "emails": [{"value": "a@x"}],
                   "custom": [{"id": 7, "content": "seven"}], "stage": 1}),
            json!({"id": "2", "name": null, "owner": 6, "value": "2", "ok": "no", "day": "",
                   "at": "2026-01-02T05:04:05+02:00", "amount": 3, "stage": "9",
                   "unknown": {"deep": [1, 2, {"x": "y"}]}}),
            json!({"id": 3, "name": "é \" \\ \u{e9} 😀", "owner": {"name": "no id"}, "ok": 0}),
            json!({}),
        ];
        let context = json!("p-1");
        let rows: Vec<Row> = records
            .iter()
            .map(|r| Row {
                record: r.clone(),
                context: Some(context.clone()),
            })
            .collect();
        let parsed = c.convert(&rows).expect("parsed");
        let direct = c
            .convert_records(&chunk(&records), Some(&context))
            .expect("direct");
        assert_eq!(parsed, direct);
        assert_eq!(direct.num_rows(), 4);
    }

    #[test]
    fn a_misfit_or_broken_record_in_a_chunk_fails_as_the_parsed_way_does() {
        let c = conv(vec![
            col("id", "id", ColumnType::Int64, None),
            col("n", "n", ColumnType::Int64, None),
        ]);
        let misfit = chunk(&[json!({"id": 4, "n": 1}), json!({"id": 5, "n": "abc"})]);
        let e = c.convert_records(&misfit, None).err().map(|e| e.message);
        assert!(
            e.as_deref()
                .is_some_and(|m| m.contains("Table t, column n, key 5")),
            "{e:?}"
        );
        let mut broken = Records::new("http://api.test/list");
        broken.push_raw(br#"{"id": 1, "n": tru}"#);
        let e = c.convert_records(&broken, None).err().map(|e| e.message);
        assert!(
            e.as_deref()
                .is_some_and(|m| m.contains("http://api.test/list") && m.contains("not valid JSON")),
            "{e:?}"
        );
    }
}
