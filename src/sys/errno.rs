// SPDX-License-Identifier: GPL-2.0
//! Error codes that 6.12's `kernel::error::code` does not declare.

use super::bindings;
use kernel::error::Error;

/// `-EDESTADDRREQ`: no destination (or no usable local) address.
#[allow(non_snake_case)]
pub(crate) fn EDESTADDRREQ() -> Error {
    Error::from_errno(-(bindings::EDESTADDRREQ as i32))
}

/// `-ENAMETOOLONG`.
#[allow(non_snake_case)]
pub(crate) fn ENAMETOOLONG() -> Error {
    Error::from_errno(-(bindings::ENAMETOOLONG as i32))
}

/// `-EMSGSIZE`.
#[allow(non_snake_case)]
pub(crate) fn EMSGSIZE() -> Error {
    Error::from_errno(-(bindings::EMSGSIZE as i32))
}

/// The kernel error for a parse error of the pure code.
pub(crate) fn from_parse(e: crate::pure::addr::Errno) -> Error {
    match e {
        crate::pure::addr::Errno::Inval => kernel::error::code::EINVAL,
        crate::pure::addr::Errno::Range => kernel::error::code::ERANGE,
    }
}
