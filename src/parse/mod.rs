//! Stage: parse. Decoded text of one file in, one or more [`Draft`](crate::article::Draft)s out,
//! one module per input format.

pub mod html;
