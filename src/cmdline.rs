// SPDX-License-Identifier: GPL-2.0
//! Boot targets: the `netconsole=` module parameter.

use crate::pure::option::{cmdline_name, parse_target_with, split_targets, ParseError, IFNAMSIZ};
use crate::sys::params;
use crate::target::Target;
use crate::target_list::TargetList;
use kernel::{prelude::*, str::BStr, sync::Arc};

/// Parses `param` and adds its targets to `list`, `cmdline0`, `cmdline1`, ..., enabling those
/// whose device can be set up. Each is listed before it is enabled, so that the netdev
/// notifier sees it.
///
/// As the C module with dynamic targets: a target that does not parse is logged and skipped
/// (it takes no number); one that parses but cannot be set up is kept, disabled, to be fixed
/// through configfs (`mkdir cmdline<N>`).
pub(crate) fn add_boot_targets(param: &[u8], list: &TargetList) -> Result {
    let mut count: u32 = 0;
    let defaults = params::target_defaults();
    for config in split_targets(param) {
        let opts = match parse_target_with(config, defaults) {
            Ok(opts) => opts,
            Err(ParseError::ReleaseNeedsExtended) => {
                pr_err!(
                    "Netconsole configuration error. Release feature requires extended log message\n"
                );
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
        let mut name = [0u8; IFNAMSIZ];
        let name = cmdline_name(count, &mut name);
        let target = Arc::pin_init(Target::new(name, opts), GFP_KERNEL)?;
        list.add(target.clone())?;
        let enabled = target.enable(&mut target.cfg.lock());
        if enabled.is_err() {
            pr_err!(
                "Not enabling netconsole for cmdline{}. Netpoll setup failed\n",
                count
            );
        }
        count += 1;
    }
    Ok(())
}
