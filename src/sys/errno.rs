// SPDX-License-Identifier: GPL-2.0
//! Error codes that 6.12's `kernel::error::code` does not declare.

use super::bindings;
use kernel::error::Error;

/// `-EDESTADDRREQ`: no destination (or no usable local) address.
#[allow(non_snake_case)]
pub(crate) fn EDESTADDRREQ() -> Error {
    Error::from_errno(-(bindings::EDESTADDRREQ as i32))
}
