//! Wildcard matching shared by SOQL `LIKE` (`%`, `_`) and SOSL terms (`*`, `?`).

/// One element of a pattern.
pub enum Piece {
    Char(char),
    AnyOne,
    AnyMany,
}

/// Whether `pattern` matches all of `text`; `piece` tells what each pattern item is.
/// Iterative, backtracking only to the last "any many" seen.
pub fn matches<T>(pattern: &[T], text: &[char], piece: impl Fn(&T) -> Piece) -> bool {
    let (mut ti, mut pi, mut star, mut mark) = (0, 0, None, 0);
    while ti < text.len() {
        match pattern.get(pi).map(&piece) {
            Some(Piece::Char(c)) if c == text[ti] => {
                ti += 1;
                pi += 1;
            }
            Some(Piece::AnyOne) => {
                ti += 1;
                pi += 1;
            }
            Some(Piece::AnyMany) => {
                star = Some(pi);
                mark = ti;
                pi += 1;
            }
            _ => match star {
                Some(s) => {
                    pi = s + 1;
                    mark += 1;
                    ti = mark;
                }
                None => return false,
            },
        }
    }
    pattern[pi..]
        .iter()
        .all(|p| matches!(piece(p), Piece::AnyMany))
}
