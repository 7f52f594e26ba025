//! `{fn NAME(args)}`: each ODBC scalar function rewritten into the DataFusion expression that
//! computes it, TIMESTAMPADD and TIMESTAMPDIFF with their SQL_TSI_* intervals included. What
//! `handles::info::functions` advertises must translate here (`tests.rs` checks every bit), since BI tools
//! generate SQL from those answers; anything else is refused with 42000 naming the function.
//!
//! It receives the body with nested escapes already translated and must not scan for escapes or
//! lex literals itself (`mod.rs`, `args` and `sql_lexer` do). A translation must never write an
//! argument that holds a `?` marker twice: markers are numbered by position afterwards.

use super::args::{has_marker, matching_paren, split_args, split_keyword};
use super::convert::convert_type;
use super::literals::quote_literal;
use crate::engine::errors::syntax;
use crate::engine::sql_lexer::is_ident_byte;
use crate::error::Result;

/// Values the engine knows and the translation needs: what `{fn DATABASE()}` and `{fn USER()}`
/// return.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TranslateContext {
    pub database: String,
    pub user: String,
}

/// `{fn NAME(args)}`; `body` is the text after `fn`, with nested escapes already translated.
pub(super) fn scalar_function(body: &str, ctx: &TranslateContext) -> Result<String> {
    let t = body.trim();
    let b = t.as_bytes();
    let name_end = b.iter().position(|&c| !is_ident_byte(c)).unwrap_or(b.len());
    if name_end == 0 {
        return Err(syntax(format!(
            "The ODBC escape {{fn{body}}} needs a function name, as in {{fn UCASE(x)}}"
        )));
    }
    let name = t[..name_end].to_ascii_uppercase();
    let rest = t[name_end..].trim_start();
    let inner = if rest.is_empty() {
        // `{fn CURDATE}` without parentheses: some tools leave them off zero-argument functions.
        ""
    } else {
        let rb = rest.as_bytes();
        let close = (rb[0] == b'(')
            .then(|| matching_paren(rb, 0))
            .flatten()
            .filter(|&c| rest[c + 1..].trim().is_empty());
        match close {
            Some(c) => &rest[1..c],
            None => {
                return Err(syntax(format!(
                    "The ODBC scalar function {name} is malformed: write {{fn \
                     {name}(arguments)}} with balanced parentheses"
                )))
            }
        }
    };
    match name.as_str() {
        "POSITION" => {
            let (needle, hay) = split_keyword(inner, "IN").ok_or_else(|| {
                syntax("The ODBC scalar function POSITION takes 'needle IN haystack'".to_string())
            })?;
            return Ok(format!("strpos({hay}, {needle})"));
        }
        "EXTRACT" => {
            let (field, source) = split_keyword(inner, "FROM").ok_or_else(|| {
                syntax("The ODBC scalar function EXTRACT takes 'field FROM value'".to_string())
            })?;
            let field = field.to_ascii_uppercase();
            if !matches!(
                field.as_str(),
                "YEAR" | "MONTH" | "DAY" | "HOUR" | "MINUTE" | "SECOND"
            ) {
                return Err(syntax(format!(
                    "EXTRACT({field} FROM …) is not supported; the fields are YEAR, \
                     MONTH, DAY, HOUR, MINUTE and SECOND"
                )));
            }
            return Ok(date_part(&field.to_ascii_lowercase(), source));
        }
        _ => {}
    }
    let args = split_args(inner).ok_or_else(|| {
        syntax(format!(
            "The ODBC scalar function {name} has an empty argument"
        ))
    })?;
    translate_function(&name, &args, ctx)
}

fn arity(name: &str, args: &[String], min: usize, max: usize) -> Result<()> {
    if (min..=max).contains(&args.len()) {
        return Ok(());
    }
    let wanted = match (min, max) {
        (a, b) if a == b => format!("{a}"),
        (a, usize::MAX) => format!("at least {a}"),
        (a, b) => format!("{a} to {b}"),
    };
    let plural = if max == 1 { "argument" } else { "arguments" };
    Err(syntax(format!(
        "The ODBC scalar function {name} takes {wanted} {plural}, but {} were given",
        args.len()
    )))
}

/// `name(arg, …)` in DataFusion syntax.
fn call(name: &str, args: &[String]) -> String {
    format!("{name}({})", args.join(", "))
}

fn date_part(field: &str, value: &str) -> String {
    format!("date_part('{field}', {value})")
}

fn translate_function(name: &str, args: &[String], ctx: &TranslateContext) -> Result<String> {
    // Functions whose DataFusion counterpart takes the same arguments, with their arity.
    let direct: Option<(&str, usize, usize)> = match name {
        "ASCII" => Some(("ascii", 1, 1)),
        "BIT_LENGTH" => Some(("bit_length", 1, 1)),
        "CHAR" => Some(("chr", 1, 1)),
        "CHAR_LENGTH" | "CHARACTER_LENGTH" => Some(("char_length", 1, 1)),
        // ODBC defines two arguments; DataFusion's concat takes any number, so more is harmless.
        "CONCAT" => Some(("concat", 2, usize::MAX)),
        "LCASE" => Some(("lower", 1, 1)),
        "LEFT" => Some(("left", 2, 2)),
        "LTRIM" => Some(("ltrim", 1, 1)),
        "OCTET_LENGTH" => Some(("octet_length", 1, 1)),
        "REPEAT" => Some(("repeat", 2, 2)),
        "REPLACE" => Some(("replace", 3, 3)),
        "RIGHT" => Some(("right", 2, 2)),
        "RTRIM" => Some(("rtrim", 1, 1)),
        "SUBSTRING" => Some(("substr", 2, 3)),
        "UCASE" => Some(("upper", 1, 1)),
        "ABS" => Some(("abs", 1, 1)),
        "ACOS" => Some(("acos", 1, 1)),
        "ASIN" => Some(("asin", 1, 1)),
        "ATAN" => Some(("atan", 1, 1)),
        // Argument order passed through, as other drivers do: tools send ATAN2(y, x).
        "ATAN2" => Some(("atan2", 2, 2)),
        "CEILING" => Some(("ceil", 1, 1)),
        "COS" => Some(("cos", 1, 1)),
        "COT" => Some(("cot", 1, 1)),
        "DEGREES" => Some(("degrees", 1, 1)),
        "EXP" => Some(("exp", 1, 1)),
        "FLOOR" => Some(("floor", 1, 1)),
        // ODBC's LOG is the natural logarithm; DataFusion's one-argument log is base 10.
        "LOG" => Some(("ln", 1, 1)),
        "LOG10" => Some(("log10", 1, 1)),
        "PI" => Some(("pi", 0, 0)),
        "POWER" => Some(("power", 2, 2)),
        "RADIANS" => Some(("radians", 1, 1)),
        "ROUND" => Some(("round", 1, 2)),
        "SIGN" => Some(("signum", 1, 1)),
        "SIN" => Some(("sin", 1, 1)),
        "SQRT" => Some(("sqrt", 1, 1)),
        "TAN" => Some(("tan", 1, 1)),
        "TRUNCATE" => Some(("trunc", 1, 2)),
        "IFNULL" => Some(("coalesce", 2, 2)),
        _ => None,
    };
    if let Some((df, min, max)) = direct {
        arity(name, args, min, max)?;
        return Ok(call(df, args));
    }
    let part: Option<&str> = match name {
        "DAYOFMONTH" => Some("day"),
        "DAYOFYEAR" => Some("doy"),
        "HOUR" => Some("hour"),
        "MINUTE" => Some("minute"),
        "MONTH" => Some("month"),
        "QUARTER" => Some("quarter"),
        "SECOND" => Some("second"),
        // ISO week (1–53, weeks start on Monday): the nearest DataFusion has to ODBC's WEEK.
        "WEEK" => Some("week"),
        "YEAR" => Some("year"),
        _ => None,
    };
    if let Some(field) = part {
        arity(name, args, 1, 1)?;
        return Ok(date_part(field, &args[0]));
    }
    match name {
        "INSERT" => {
            arity(name, args, 4, 4)?;
            Ok(format!(
                "overlay({} placing {} from {} for {})",
                args[0], args[3], args[1], args[2]
            ))
        }
        // ODBC LENGTH counts characters without trailing blanks.
        "LENGTH" => {
            arity(name, args, 1, 1)?;
            Ok(format!("char_length(rtrim({}))", args[0]))
        }
        "LOCATE" => {
            arity(name, args, 2, 3)?;
            let (needle, hay) = (&args[0], &args[1]);
            match args.get(2) {
                None => Ok(format!("strpos({hay}, {needle})")),
                // Search from `start`, but report the position in the whole string; 0 stays 0.
                Some(start) if !args.iter().any(|a| has_marker(a)) => Ok(format!(
                    "CASE WHEN strpos(substr({hay}, {start}), {needle}) = 0 THEN 0 \
                     ELSE strpos(substr({hay}, {start}), {needle}) + ({start}) - 1 END"
                )),
                // The CASE form repeats the arguments, which would repeat a ? marker and shift
                // every later parameter. This form names each argument once; its only difference
                // is 0 instead of NULL for a NULL string.
                Some(start) => Ok(format!(
                    "coalesce(nullif(strpos(substr({hay}, {start}), {needle}), 0) + ({start}) - 1, 0)"
                )),
            }
        }
        "SPACE" => {
            arity(name, args, 1, 1)?;
            Ok(format!("repeat(' ', {})", args[0]))
        }
        "MOD" => {
            arity(name, args, 2, 2)?;
            Ok(format!("(({}) % ({}))", args[0], args[1]))
        }
        "RAND" => {
            arity(name, args, 0, 1)?;
            if args.is_empty() {
                Ok("random()".to_string())
            } else {
                Err(syntax(
                    "RAND(seed) is not supported: DataFusion's random() cannot be \
                     seeded; call {fn RAND()} without a seed"
                        .to_string(),
                ))
            }
        }
        "CURDATE" | "CURRENT_DATE" => {
            arity(name, args, 0, 0)?;
            Ok("current_date()".to_string())
        }
        // The optional precision argument is accepted and ignored: the value keeps DataFusion's
        // full precision, which is at least what was asked for.
        "CURTIME" | "CURRENT_TIME" => {
            arity(name, args, 0, usize::from(name == "CURRENT_TIME"))?;
            Ok("current_time()".to_string())
        }
        "NOW" | "CURRENT_TIMESTAMP" => {
            arity(name, args, 0, usize::from(name == "CURRENT_TIMESTAMP"))?;
            Ok("now()".to_string())
        }
        "DAYNAME" => {
            arity(name, args, 1, 1)?;
            Ok(format!("to_char({}, '%A')", args[0]))
        }
        "MONTHNAME" => {
            arity(name, args, 1, 1)?;
            Ok(format!("to_char({}, '%B')", args[0]))
        }
        // ODBC numbers days from 1 = Sunday; DataFusion's dow is 0 = Sunday.
        "DAYOFWEEK" => {
            arity(name, args, 1, 1)?;
            Ok(format!("({} + 1)", date_part("dow", &args[0])))
        }
        "TIMESTAMPADD" => {
            arity(name, args, 3, 3)?;
            Ok(timestamp_add(
                interval_unit(name, &args[0])?,
                &args[1],
                &args[2],
            ))
        }
        "TIMESTAMPDIFF" => {
            arity(name, args, 3, 3)?;
            timestamp_diff(interval_unit(name, &args[0])?, &args[1], &args[2])
        }
        "DATABASE" => {
            arity(name, args, 0, 0)?;
            Ok(quote_literal(&ctx.database))
        }
        "USER" => {
            arity(name, args, 0, 0)?;
            Ok(quote_literal(&ctx.user))
        }
        "CONVERT" => {
            arity(name, args, 2, 2)?;
            Ok(format!("CAST({} AS {})", args[0], convert_type(&args[1])?))
        }
        // DIFFERENCE, SOUNDEX and anything unknown: DataFusion has nothing to map them to.
        _ => Err(syntax(format!(
            "The ODBC scalar function {name} is not supported; see \
             SQLGetInfo(SQL_STRING_FUNCTIONS) for the supported ones"
        ))),
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tsi {
    FracSecond,
    Second,
    Minute,
    Hour,
    Day,
    Week,
    Month,
    Quarter,
    Year,
}

/// The SQL_TSI_* keyword of TIMESTAMPADD/TIMESTAMPDIFF. The bare unit (`DAY`) is accepted too,
/// because some tools drop the prefix.
fn interval_unit(function: &str, arg: &str) -> Result<Tsi> {
    let upper = arg.trim().to_ascii_uppercase();
    let unit = upper.strip_prefix("SQL_TSI_").unwrap_or(&upper);
    Ok(match unit {
        "FRAC_SECOND" => Tsi::FracSecond,
        "SECOND" => Tsi::Second,
        "MINUTE" => Tsi::Minute,
        "HOUR" => Tsi::Hour,
        "DAY" => Tsi::Day,
        "WEEK" => Tsi::Week,
        "MONTH" => Tsi::Month,
        "QUARTER" => Tsi::Quarter,
        "YEAR" => Tsi::Year,
        _ => {
            return Err(syntax(format!(
                "{function} does not know the interval '{arg}'; use one of \
                 SQL_TSI_FRAC_SECOND, SQL_TSI_SECOND, SQL_TSI_MINUTE, SQL_TSI_HOUR, SQL_TSI_DAY, \
                 SQL_TSI_WEEK, SQL_TSI_MONTH, SQL_TSI_QUARTER, SQL_TSI_YEAR"
            )))
        }
    })
}

/// `ts` moved by `n` intervals. DataFusion 55 cannot multiply an interval by a number, so the
/// interval is built from text (`'5 days'`), which also keeps a NULL count NULL. A DATE plus a
/// sub-day interval would stay a DATE and silently lose the hours, so for those units the value
/// becomes a TIMESTAMP first, as ODBC specifies.
fn timestamp_add(unit: Tsi, n: &str, ts: &str) -> String {
    let (amount, unit_name, sub_day) = match unit {
        Tsi::FracSecond => (n.to_string(), "nanoseconds", true),
        Tsi::Second => (n.to_string(), "seconds", true),
        Tsi::Minute => (n.to_string(), "minutes", true),
        Tsi::Hour => (n.to_string(), "hours", true),
        Tsi::Day => (n.to_string(), "days", false),
        Tsi::Week => (n.to_string(), "weeks", false),
        Tsi::Month => (n.to_string(), "months", false),
        Tsi::Quarter => (format!("({n}) * 3"), "months", false),
        Tsi::Year => (n.to_string(), "years", false),
    };
    let base = if sub_day {
        format!("CAST({ts} AS TIMESTAMP)")
    } else {
        format!("({ts})")
    };
    format!("({base} + CAST(CAST({amount} AS VARCHAR) || ' {unit_name}' AS INTERVAL))")
}

/// Whole intervals from `a` to `b`. Clock units count elapsed time (truncated toward zero);
/// calendar units count month/quarter/year boundaries crossed, as SQL Server's DATEDIFF does.
fn timestamp_diff(unit: Tsi, a: &str, b: &str) -> Result<String> {
    let elapsed = |seconds: u32| {
        let diff = format!("date_part('epoch', {b}) - date_part('epoch', {a})");
        let scaled = if seconds == 1 {
            diff
        } else {
            format!("({diff}) / {seconds}")
        };
        Ok(format!("CAST(trunc({scaled}) AS BIGINT)"))
    };
    let years = format!("({} - {})", date_part("year", b), date_part("year", a));
    match unit {
        Tsi::FracSecond => Err(syntax(
            "TIMESTAMPDIFF(SQL_TSI_FRAC_SECOND, …) is not supported; the smallest \
             supported interval is SQL_TSI_SECOND"
                .to_string(),
        )),
        Tsi::Second => elapsed(1),
        Tsi::Minute => elapsed(60),
        Tsi::Hour => elapsed(3_600),
        Tsi::Day => elapsed(86_400),
        Tsi::Week => elapsed(604_800),
        // These two name each timestamp twice, so a ? marker there cannot be numbered correctly.
        Tsi::Month | Tsi::Quarter if has_marker(a) || has_marker(b) => Err(syntax(
            "TIMESTAMPDIFF(SQL_TSI_MONTH or SQL_TSI_QUARTER, …) cannot take a ? \
             parameter marker as a timestamp; pass a literal or a column, or use SQL_TSI_DAY"
                .to_string(),
        )),
        Tsi::Month => Ok(format!(
            "CAST({years} * 12 + ({} - {}) AS BIGINT)",
            date_part("month", b),
            date_part("month", a)
        )),
        Tsi::Quarter => Ok(format!(
            "CAST({years} * 4 + ({} - {}) AS BIGINT)",
            date_part("quarter", b),
            date_part("quarter", a)
        )),
        Tsi::Year => Ok(format!("CAST({years} AS BIGINT)")),
    }
}
