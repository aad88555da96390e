// SPDX-License-Identifier: GPL-2.0
//! Module parameters and the few global kernel facts the write path reads.
//!
//! The parameters are declared in C (`rust-bindings/helpers.c`): 6.12's `module!` macro has no
//! parameter support, and `module_param_string` keeps `netconsole=` byte-compatible with the C
//! module (256 bytes, `netconsole.netconsole=` on the kernel command line).

use super::{bindings, console::ConsoleMode};
use crate::pure::option::TargetOptions;
use kernel::str::CStr;

/// The `netconsole=` parameter as given (up to its NUL), read once at module init.
pub(crate) fn netconsole_param() -> &'static [u8] {
    // SAFETY: The buffer is a static array of the module, written only by the module loader
    // before `init` runs (the parameter's permissions are 0: it cannot change afterwards).
    let buf: &'static [u8; bindings::NC_MAX_PARAM_LENGTH as usize] =
        unsafe { &*core::ptr::addr_of!(bindings::nc_param_netconsole).cast() };
    let len = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    buf.get(..len).unwrap_or(&[])
}

/// The `console_mode` parameter (`legacy`, the default, or `nbcon`; read-only), read once at
/// module init; `None` if it is neither.
pub(crate) fn console_mode() -> Option<ConsoleMode> {
    // SAFETY: The buffer is a static array of the module, written only by the module loader
    // before `init` runs (the parameter is read-only in sysfs: mode 0444).
    let buf: &'static [u8; bindings::NC_CONSOLE_MODE_LEN as usize] =
        unsafe { &*core::ptr::addr_of!(bindings::nc_param_console_mode).cast() };
    let len = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    match buf.get(..len)? {
        b"legacy" => Some(ConsoleMode::Legacy),
        b"nbcon" => Some(ConsoleMode::Nbcon),
        _ => None,
    }
}

/// Whether the `oops_only` parameter is set (it is writable at run time).
pub(crate) fn oops_only() -> bool {
    // SAFETY: Reads a module variable with `READ_ONCE`; callable in any context.
    unsafe { bindings::nc_oops_only() }
}

/// The defaults of a new target: the C defaults, with extended and release on where the kernel
/// was configured so (`CONFIG_NETCONSOLE_EXTENDED_LOG`, `CONFIG_NETCONSOLE_PREPEND_RELEASE`),
/// as the C module of the same kernel would have them.
pub(crate) fn target_defaults() -> TargetOptions {
    TargetOptions {
        // SAFETY: Returns a compile-time constant.
        extended: unsafe { bindings::nc_kconfig_extended_log() },
        // SAFETY: Returns a compile-time constant.
        release: unsafe { bindings::nc_kconfig_prepend_release() },
        ..TargetOptions::default()
    }
}

/// Whether an oops is in progress (the kernel's `oops_in_progress`).
pub(crate) fn oops_in_progress() -> bool {
    // SAFETY: Reads a kernel variable with `READ_ONCE`; callable in any context.
    unsafe { bindings::nc_oops_in_progress() }
}

/// Size of a task's `comm`, its NUL included.
pub(crate) const TASK_COMM_LEN: usize = 16;

/// Whether the current task is in the initial network namespace.
pub(crate) fn current_net_is_init() -> bool {
    // SAFETY: Reads the current task's namespace; process context.
    unsafe { bindings::nc_current_net_is_init() }
}

/// A monotonic clock in nanoseconds that any context may read (NMI included).
pub(crate) fn now_ns() -> u64 {
    // SAFETY: `ktime_get_mono_fast_ns` may be called in any context.
    unsafe { bindings::nc_now_ns() }
}

/// The CPU the caller runs on.
pub(crate) fn this_cpu() -> u32 {
    // SAFETY: `raw_smp_processor_id` may be called in any context.
    unsafe { bindings::nc_this_cpu() }
}

/// The current task's name (`comm`), copied into `buf`.
pub(crate) fn current_comm(buf: &mut [u8; TASK_COMM_LEN]) -> &[u8] {
    // SAFETY: `buf` has room for `TASK_COMM_LEN` bytes, which is what the helper writes at
    // most (NUL included); `current` is valid in any context.
    unsafe { bindings::nc_current_comm(buf.as_mut_ptr()) };
    let len = buf.iter().position(|&c| c == 0).unwrap_or(buf.len());
    buf.get(..len).unwrap_or(&[])
}

/// The running kernel's release (`uname -r`).
pub(crate) fn uts_release() -> &'static [u8] {
    // SAFETY: `init_utsname()->release` is a NUL-terminated array in static storage that lives
    // as long as the kernel.
    unsafe { CStr::from_char_ptr(bindings::nc_uts_release()) }.as_bytes()
}
