//! Stage: extract. A [`Draft`](crate::article::Draft) and its cleaned body in,
//! an [`Article`](crate::article::Article) out: title, people, dates,
//! publication date and source. Pure and total.

pub mod dates;
pub mod people;
pub mod source;
