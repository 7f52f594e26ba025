//! Executing a statement once per parameter set (SQL_ATTR_PARAMSET_SIZE > 1): the sets are read
//! row-wise or column-wise as the APD says, run one after another, and their rows come back as
//! one result set (SQL_PARAM_ARRAY_SELECTS = SQL_PAS_NO_BATCH); a write's sets each write before
//! the next starts, and their counts add up (SQL_PARAM_ARRAY_ROW_COUNTS = SQL_PARC_NO_BATCH). The status array and the
//! processed count tell the application how each set went; the first set that fails stops the
//! run, as the sets after it are reported unused.

use datafusion::error::DataFusionError;
use datafusion::physical_plan::SendableRecordBatchStream;
use futures::StreamExt;

use crate::engine::errors::from_datafusion;

use super::*;
use crate::odbc::attributes::{
    SQL_PARAM_ERROR, SQL_PARAM_IGNORE, SQL_PARAM_SUCCESS, SQL_PARAM_UNUSED,
};
use crate::session::OpenSession;

impl Statement {
    /// The rows of `prepared` run with each parameter set, one after another.
    pub(super) fn execute_sets(
        &self,
        session: &OpenSession,
        prepared: &Prepared,
        supplied: &std::collections::BTreeMap<usize, params::Supplied>,
        timeout: Option<Duration>,
    ) -> Result<SendableRecordBatchStream> {
        let mut streams = self.run_sets(prepared, supplied, |values| {
            wait_statement(
                Stack::Large,
                session.engine.execute(prepared, values),
                &self.cancel,
                timeout,
            )
        })?;
        if streams.len() == 1 {
            if let Some((_, only)) = streams.pop() {
                return Ok(only);
            }
        }
        let schema = match streams.first() {
            Some((_, first)) => first.schema(),
            // Every set ignored: the statement's columns, no rows.
            None => prepared.schema(),
        };
        if let Some((_, other)) = streams.iter().find(|(_, s)| s.schema() != schema) {
            return Err(Error::general(format!(
                "The parameter sets give rows of different types ({} and {}); bind every set with the same C and SQL types",
                schema,
                other.schema()
            )));
        }
        // A set can also fail while its rows are computed (a division by zero, a cast); the
        // error then names the set, as one that fails at execution does.
        let labelled = streams.into_iter().map(|(set, stream)| {
            stream.map(move |batch| {
                batch.map_err(|e| {
                    let mut error = from_datafusion(e);
                    error.message = format!("{} (parameter set {})", error.message, set + 1);
                    DataFusionError::External(Box::new(error))
                })
            })
        });
        let all = futures::stream::iter(labelled).flatten();
        Ok(Box::pin(RecordBatchStreamAdapter::new(schema, all)))
    }

    /// An INSERT, UPDATE or DELETE run with each parameter set, each to its end before the
    /// next starts (a set's status says whether its rows were written); the rows changed.
    pub(super) fn execute_write_sets(
        &self,
        session: &OpenSession,
        prepared: &Prepared,
        supplied: &std::collections::BTreeMap<usize, params::Supplied>,
        timeout: Option<Duration>,
    ) -> Result<u64> {
        let counts = self.run_sets(prepared, supplied, |values| {
            wait_statement(
                Stack::Large,
                session.engine.execute_write(prepared, values),
                &self.cancel,
                timeout,
            )
        })?;
        Ok(counts.into_iter().map(|(_, n)| n).sum())
    }

    /// Runs `run_one` with the values of each parameter set not marked ignored, filling the
    /// status array and the processed count; the first set that fails stops the run (its
    /// error names the set when there are several).
    fn run_sets<T>(
        &self,
        prepared: &Prepared,
        supplied: &std::collections::BTreeMap<usize, params::Supplied>,
        mut run_one: impl FnMut(Vec<datafusion::common::ScalarValue>) -> Result<T>,
    ) -> Result<Vec<(usize, T)>> {
        let (sets, operations) = {
            let apd = lock(&self.apd.state);
            (apd.header.array_size.max(1), apd.header.array_status_ptr)
        };
        let (status_at, processed_at) = {
            let ipd = lock(&self.ipd.state);
            (ipd.header.array_status_ptr, ipd.header.rows_processed_ptr)
        };
        if sets > 1 && !supplied.is_empty() {
            return Err(Error::new(
                state::OPTIONAL_FEATURE_NOT_IMPLEMENTED,
                "Data-at-execution parameters in an array of parameter sets are not supported; bind the values, or execute one set at a time",
            ));
        }
        let status = |set: usize, value: u16| status_at.offset((set * 2) as isize).write_u16(value);
        let mut done = Vec::with_capacity(sets);
        let mut processed = 0usize;
        for set in 0..sets {
            if operations.offset((set * 2) as isize).read_u16() == Some(SQL_PARAM_IGNORE) {
                status(set, SQL_PARAM_UNUSED);
                continue;
            }
            processed += 1;
            let values = {
                let apd = lock(&self.apd.state);
                let ipd = lock(&self.ipd.state);
                params::read_all(&apd, &ipd, prepared.param_count(), set, supplied)
            };
            match values.and_then(&mut run_one) {
                Ok(out) => {
                    status(set, SQL_PARAM_SUCCESS);
                    done.push((set, out));
                }
                Err(mut e) => {
                    status(set, SQL_PARAM_ERROR);
                    for later in set + 1..sets {
                        status(later, SQL_PARAM_UNUSED);
                    }
                    processed_at.write_usize(processed);
                    if sets > 1 {
                        e.message = format!("{} (parameter set {})", e.message, set + 1);
                    }
                    return Err(e);
                }
            }
        }
        processed_at.write_usize(processed);
        Ok(done)
    }
}
