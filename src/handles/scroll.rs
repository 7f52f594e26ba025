//! Where SQLFetchScroll moves a static cursor: the ODBC specification's cursor positioning rules
//! for SQL_FETCH_NEXT, PRIOR, FIRST, LAST, ABSOLUTE and RELATIVE, over a result of known size.
//! Pure arithmetic on positions; the cursor holds the rows and `statement::fetch` the buffers.

use crate::error::{state, Error, Result};
use crate::odbc::attributes::{
    SQL_FETCH_ABSOLUTE, SQL_FETCH_FIRST, SQL_FETCH_LAST, SQL_FETCH_NEXT, SQL_FETCH_PRIOR,
    SQL_FETCH_RELATIVE,
};

/// Where a scrollable cursor stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Position {
    BeforeStart,
    /// On the rowset whose first row is this one (from 0).
    At(usize),
    AfterEnd,
}

/// Where a fetch lands, and whether it was clamped to the first row (01S06).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Landing {
    pub position: Position,
    pub clamped: bool,
}

fn at(position: Position) -> Result<Landing> {
    Ok(Landing {
        position,
        clamped: false,
    })
}

fn first_clamped() -> Result<Landing> {
    Ok(Landing {
        position: Position::At(0),
        clamped: true,
    })
}

/// The position after a fetch in `orientation` with `offset`, from `current`, for rowsets of
/// `size` rows over a result of `total` rows.
pub fn land(
    orientation: i16,
    offset: isize,
    current: Position,
    size: usize,
    total: usize,
) -> Result<Landing> {
    use Position::{AfterEnd, At, BeforeStart};
    let size = size.max(1);
    // A start past the last row is the end.
    let row = |start: usize| if start < total { At(start) } else { AfterEnd };
    match orientation {
        SQL_FETCH_NEXT => match current {
            BeforeStart => at(row(0)),
            At(c) => at(row(c + size)),
            AfterEnd => at(AfterEnd),
        },
        SQL_FETCH_PRIOR => match current {
            BeforeStart => at(BeforeStart),
            At(0) => at(BeforeStart),
            At(c) if c < size => first_clamped(),
            At(c) => at(At(c - size)),
            AfterEnd if total == 0 => at(BeforeStart),
            AfterEnd => at(At(total.saturating_sub(size))),
        },
        SQL_FETCH_FIRST => at(row(0)),
        SQL_FETCH_LAST => at(row(total.saturating_sub(size))),
        SQL_FETCH_ABSOLUTE => absolute(offset, size, total),
        SQL_FETCH_RELATIVE => match current {
            BeforeStart if offset > 0 => absolute(offset, size, total),
            AfterEnd if offset < 0 => absolute(offset, size, total),
            BeforeStart | AfterEnd => at(current),
            At(c) => {
                let target = c as isize + offset;
                if target < 0 {
                    if offset.unsigned_abs() > size {
                        at(BeforeStart)
                    } else {
                        first_clamped()
                    }
                } else {
                    at(row(target as usize))
                }
            }
        },
        other => Err(Error::new(
            state::FETCH_TYPE_OUT_OF_RANGE,
            format!(
                "Fetch orientation {other} is not supported; use SQL_FETCH_NEXT, PRIOR, FIRST, LAST, ABSOLUTE or RELATIVE (bookmarks are not supported)"
            ),
        )),
    }
}

/// SQL_FETCH_ABSOLUTE: row `offset` from the start (from 1), or from the end when negative.
fn absolute(offset: isize, size: usize, total: usize) -> Result<Landing> {
    use Position::{AfterEnd, At, BeforeStart};
    match offset {
        0 => at(BeforeStart),
        n if n > 0 && n as usize <= total => at(At(n as usize - 1)),
        n if n > 0 => at(AfterEnd),
        n if n.unsigned_abs() <= total => at(At(total - n.unsigned_abs())),
        n if n.unsigned_abs() > size => at(BeforeStart),
        _ => first_clamped(),
    }
}

#[cfg(test)]
mod tests {
    use super::Position::{AfterEnd, At, BeforeStart};
    use super::*;

    fn go(orientation: i16, offset: isize, from: Position) -> (Position, bool) {
        // Rowsets of 3 rows over 10 rows, as in the specification's examples.
        let l = land(orientation, offset, from, 3, 10).expect("a landing");
        (l.position, l.clamped)
    }

    #[test]
    fn next_and_prior_walk_rowsets_and_stop_at_the_ends() {
        assert_eq!(go(SQL_FETCH_NEXT, 0, BeforeStart), (At(0), false));
        assert_eq!(go(SQL_FETCH_NEXT, 0, At(6)), (At(9), false));
        assert_eq!(go(SQL_FETCH_NEXT, 0, At(9)), (AfterEnd, false));
        assert_eq!(go(SQL_FETCH_PRIOR, 0, AfterEnd), (At(7), false));
        assert_eq!(go(SQL_FETCH_PRIOR, 0, At(4)), (At(1), false));
        assert_eq!(go(SQL_FETCH_PRIOR, 0, At(2)), (At(0), true));
        assert_eq!(go(SQL_FETCH_PRIOR, 0, At(0)), (BeforeStart, false));
    }

    #[test]
    fn first_last_absolute_and_relative() {
        assert_eq!(go(SQL_FETCH_FIRST, 0, At(5)), (At(0), false));
        assert_eq!(go(SQL_FETCH_LAST, 0, BeforeStart), (At(7), false));
        assert_eq!(go(SQL_FETCH_ABSOLUTE, 4, BeforeStart), (At(3), false));
        assert_eq!(go(SQL_FETCH_ABSOLUTE, -1, BeforeStart), (At(9), false));
        assert_eq!(go(SQL_FETCH_ABSOLUTE, 11, At(0)), (AfterEnd, false));
        assert_eq!(go(SQL_FETCH_ABSOLUTE, -12, At(0)), (BeforeStart, false));
        // Past the start by no more than a rowset: the first rowset, with 01S06.
        let l = land(SQL_FETCH_ABSOLUTE, -4, At(0), 5, 3).expect("a landing");
        assert_eq!((l.position, l.clamped), (At(0), true));
        assert_eq!(go(SQL_FETCH_ABSOLUTE, -20, At(0)), (BeforeStart, false));
        assert_eq!(go(SQL_FETCH_ABSOLUTE, 0, At(4)), (BeforeStart, false));
        assert_eq!(go(SQL_FETCH_RELATIVE, 2, At(4)), (At(6), false));
        assert_eq!(go(SQL_FETCH_RELATIVE, -2, At(1)), (At(0), true));
        assert_eq!(go(SQL_FETCH_RELATIVE, 0, At(4)), (At(4), false));
        assert_eq!(go(SQL_FETCH_RELATIVE, 5, BeforeStart), (At(4), false));
        assert_eq!(go(SQL_FETCH_RELATIVE, -1, AfterEnd), (At(9), false));
    }

    #[test]
    fn an_empty_result_has_no_rowset_anywhere() {
        for orientation in [SQL_FETCH_NEXT, SQL_FETCH_FIRST, SQL_FETCH_LAST] {
            let l = land(orientation, 0, BeforeStart, 3, 0).expect("a landing");
            assert_eq!(l.position, AfterEnd);
        }
        let l = land(SQL_FETCH_PRIOR, 0, AfterEnd, 3, 0).expect("a landing");
        assert_eq!(l.position, BeforeStart);
    }

    #[test]
    fn bookmarks_are_refused() {
        let e = land(8, 0, BeforeStart, 3, 10).expect_err("SQL_FETCH_BOOKMARK");
        assert_eq!(e.state, state::FETCH_TYPE_OUT_OF_RANGE);
    }
}
