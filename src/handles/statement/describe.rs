//! What a statement's result and parameters are: the IRD filled from the result schema
//! (SQLNumResultCols, SQLDescribeCol, SQLColAttribute) and the IPD from the types the engine infers
//! for `?` markers (SQLNumParams, SQLDescribeParam).

use super::*;
use crate::odbc::desc::*;

impl Statement {
    /// Fills the IRD from a result schema so SQLDescribeCol and SQLColAttribute answer.
    pub(super) fn describe_result(&self, schema: &SchemaRef) {
        let odbc2 = self.odbc_version() == 2;
        let text_len = self.text_len();
        let writable = self.conn.writable();
        let records = schema
            .fields()
            .iter()
            .map(|field| {
                let ct = sql_types::field_type(field, text_len);
                let concise = if odbc2 {
                    sql_types::odbc2_type(ct.sql_type)
                } else {
                    ct.sql_type
                };
                DescRecord {
                    concise_type: concise,
                    verbose_type: ct.verbose_type,
                    datetime_sub: ct.datetime_sub,
                    octet_length: ct.octet_length as isize,
                    length: ct.column_size as usize,
                    precision: ct.column_size.min(i16::MAX as u64) as i16,
                    scale: ct.decimal_digits,
                    nullable: if field.is_nullable() { 1 } else { 0 },
                    name: field.name().clone(),
                    unnamed: if field.name().is_empty() { 1 } else { 0 },
                    num_prec_radix: ct.num_prec_radix,
                    // A column read straight from a table keeps the table's metadata.
                    updatable: writable
                        && crate::table_meta::writes(field.metadata())
                            .iter()
                            .any(|w| w == "UPDATE"),
                    ..DescRecord::default()
                }
            })
            .collect();
        lock(&self.ird.state).records = records;
    }

    pub(super) fn describe_params(&self, prepared: &Prepared) {
        let mut ipd = lock(&self.ipd.state);
        let count = prepared.param_count();
        for i in 0..count {
            let inferred = prepared.param_type(i);
            let rec = ipd.record_mut(i + 1);
            if rec.concise_type == SQL_C_DEFAULT || rec.concise_type == SQL_UNKNOWN_TYPE {
                // A marker the statement does not constrain (`SELECT ?`) takes the type it is
                // bound with; SQL_UNKNOWN_TYPE says so, and clients then bind their own type.
                let Some(inferred) = inferred else {
                    rec.concise_type = SQL_UNKNOWN_TYPE;
                    rec.verbose_type = SQL_UNKNOWN_TYPE;
                    rec.nullable = 1;
                    continue;
                };
                let ct = column_type(&inferred, self.text_len());
                rec.concise_type = ct.sql_type;
                rec.verbose_type = ct.verbose_type;
                rec.datetime_sub = ct.datetime_sub;
                rec.length = ct.column_size as usize;
                rec.scale = ct.decimal_digits;
                rec.nullable = 1;
            }
        }
    }

    pub(super) fn result_schema(&self, st: &StmtState) -> Result<SchemaRef> {
        if let Some(cursor) = &st.cursor {
            return Ok(cursor.schema.clone());
        }
        if let Some(prepared) = &st.prepared {
            return Ok(prepared.schema());
        }
        Err(Error::new(
            state::FUNCTION_SEQUENCE_ERROR,
            "Function sequence error: prepare or execute a statement first",
        ))
    }

    pub fn num_result_cols(&self) -> Result<i16> {
        let st = lock(&self.state);
        Ok(self.result_schema(&st)?.fields().len() as i16)
    }

    /// The IRD record of a result column, for SQLDescribeCol and SQLColAttribute.
    pub fn column_record(&self, column: u16) -> Result<DescRecord> {
        let st = lock(&self.state);
        let schema = self.result_schema(&st)?;
        let index = column_index(&schema, column)?;
        lock(&self.ird.state)
            .records
            .get(index)
            .cloned()
            .ok_or_else(|| Error::general("Internal error: the result columns are not described"))
    }

    pub fn column_type(&self, column: u16) -> Result<(sql_types::OdbcType, String, bool)> {
        let st = lock(&self.state);
        let schema = self.result_schema(&st)?;
        let field = schema.field(column_index(&schema, column)?);
        Ok((
            sql_types::field_type(field, self.text_len()),
            field.name().clone(),
            field.is_nullable(),
        ))
    }

    pub fn num_params(&self) -> Result<i16> {
        let st = lock(&self.state);
        let prepared = st.prepared.as_ref().ok_or_else(|| {
            Error::new(
                state::FUNCTION_SEQUENCE_ERROR,
                "Function sequence error: prepare the statement first",
            )
        })?;
        Ok(prepared.param_count() as i16)
    }

    pub fn describe_param(&self, number: u16) -> Result<DescRecord> {
        let count = self.num_params()?;
        // SQLFreeStmt(SQL_RESET_PARAMS) clears the IPD: describe the markers again from the
        // statement, or SQLDescribeParam would answer SQL_C_DEFAULT with size 0.
        let prepared = lock(&self.state).prepared.clone();
        if let Some(prepared) = &prepared {
            self.describe_params(prepared);
        }
        if number == 0 || number as i16 > count {
            return Err(Error::new(
                state::INVALID_DESCRIPTOR_INDEX,
                format!("Parameter {number} does not exist; the statement has {count}"),
            ));
        }
        Ok(lock(&self.ipd.state).record_mut(number as usize).clone())
    }

    /// SQLColAttribute: one field of a result column (ODBC 3 identifiers and their ODBC 2
    /// SQL_COLUMN_* twins).
    pub fn col_attribute(&self, column: u16, field: u16) -> Result<ColAttr> {
        // Field identifiers are small positive numbers, the descriptor fields' own.
        let field = field as i16;
        if field == SQL_DESC_COUNT || field == SQL_COLUMN_COUNT {
            return Ok(ColAttr::Num(self.num_result_cols()? as isize));
        }
        let rec = self.column_record(column)?;
        let (ct, name, nullable) = self.column_type(column)?;
        let number = |n: isize| Ok(ColAttr::Num(n));
        let text = |t: &str| Ok(ColAttr::Text(t.to_string()));
        match field {
            SQL_DESC_NAME | SQL_COLUMN_NAME => text(&name),
            SQL_DESC_LABEL | SQL_DESC_BASE_COLUMN_NAME => text(&rec.name),
            SQL_DESC_CONCISE_TYPE => number(rec.concise_type as isize),
            SQL_DESC_TYPE => number(rec.verbose_type as isize),
            SQL_DESC_LENGTH | SQL_COLUMN_LENGTH => number(ct.column_size as isize),
            SQL_DESC_PRECISION | SQL_COLUMN_PRECISION => {
                number(ct.column_size.min(i32::MAX as u64) as isize)
            }
            SQL_DESC_SCALE | SQL_COLUMN_SCALE => number(ct.decimal_digits as isize),
            SQL_DESC_NULLABLE | SQL_COLUMN_NULLABLE => number(if nullable { 1 } else { 0 }),
            SQL_DESC_UNNAMED => number(if rec.name.is_empty() { 1 } else { 0 }),
            SQL_DESC_OCTET_LENGTH => number(ct.octet_length as isize),
            SQL_DESC_DISPLAY_SIZE => number(ct.display_size as isize),
            SQL_DESC_UNSIGNED => number(ct.unsigned as isize),
            SQL_DESC_FIXED_PREC_SCALE => number(ct.fixed_prec_scale as isize),
            // SQL_ATTR_WRITE (1) where an UPDATE may set the column shown, else
            // SQL_ATTR_READONLY (0); no auto-increment columns.
            SQL_DESC_UPDATABLE => number(if rec.updatable { 1 } else { 0 }),
            SQL_DESC_AUTO_UNIQUE_VALUE => number(0),
            SQL_DESC_CASE_SENSITIVE => number(ct.case_sensitive as isize),
            SQL_DESC_SEARCHABLE => number(ct.searchable as isize),
            SQL_DESC_TYPE_NAME | SQL_DESC_LOCAL_TYPE_NAME => text(ct.type_name),
            SQL_DESC_TABLE_NAME
            | SQL_DESC_SCHEMA_NAME
            | SQL_DESC_CATALOG_NAME
            | SQL_DESC_BASE_TABLE_NAME => text(""),
            SQL_DESC_LITERAL_PREFIX => text(ct.literal_prefix.unwrap_or("")),
            SQL_DESC_LITERAL_SUFFIX => text(ct.literal_suffix.unwrap_or("")),
            SQL_DESC_NUM_PREC_RADIX => number(ct.num_prec_radix as isize),
            SQL_DESC_DATETIME_INTERVAL_CODE => number(ct.datetime_sub as isize),
            other => Err(Error::new(
                state::INVALID_DESCRIPTOR_FIELD,
                format!("SQLColAttribute field {other} is not known"),
            )),
        }
    }
}

/// A SQLColAttribute answer: text or a number.
pub enum ColAttr {
    Text(String),
    Num(isize),
}
