// SPDX-License-Identifier: GPL-2.0
//! Boot targets: the `netconsole=` module parameter.

use crate::pure::option::{parse_target_with, split_targets, ParseError};
use crate::sys::params;
use crate::target::Target;
use kernel::{prelude::*, str::BStr};

/// Parses `param` and creates its targets, enabling those whose device can be set up.
///
/// As the C module with dynamic targets: a target that does not parse is logged and skipped
/// (it takes no `cmdline<N>` number); one that parses but cannot be set up is kept, disabled.
pub(crate) fn boot_targets(param: &[u8]) -> Result<KVec<Target>> {
    let mut targets = KVec::new();
    let mut count: u32 = 0;
    let defaults = params::target_defaults();
    for config in split_targets(param) {
        let opts = match parse_target_with(config, defaults) {
            Ok(opts) => opts,
            Err(ParseError::ReleaseNeedsExtended) => {
                pr_err!("Netconsole configuration error. Release feature requires extended log message\n");
                continue;
            }
            Err(e) => {
                if e.whitespace_warning(config) {
                    pr_info!("warning: whitespace is not allowed\n");
                }
                pr_info!(
                    "couldn't parse config at '{}'!\n",
                    BStr::from_bytes(e.rest(config))
                );
                continue;
            }
        };
        let mut target = match Target::new(opts) {
            Ok(t) => t,
            Err(e) => {
                pr_err!("cmdline{}: cannot create target: {:?}\n", count, e);
                continue;
            }
        };
        if target.enable().is_err() {
            pr_err!(
                "Not enabling netconsole for cmdline{}. Netpoll setup failed\n",
                count
            );
        }
        targets.push(target, GFP_KERNEL)?;
        count += 1;
    }
    Ok(targets)
}
