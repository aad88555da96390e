// SPDX-License-Identifier: GPL-2.0
//! Dynamic targets: the configfs interface under `/sys/kernel/config/netconsole`.
//!
//! `mkdir <name>` makes a disabled target with the defaults (`mkdir cmdline<N>` attaches boot
//! target N instead); every attribute reads and writes as the C module's, plus `loglevel` and
//! `stats`. Parameters other than userdata, sysdata toggles, rate limit and log level only
//! change while the target is not enabled.

use crate::pure::{
    addr::c_str,
    addr::{format_ip, format_mac, parse_u16, parse_u32, IpAddr, BROADCAST_MAC, MAX_IP_STR_LEN},
    attr::{
        parse_bool, parse_dev_name, parse_ip_attr, parse_loglevel, parse_mac_attr, trim_newline,
    },
    option::{Device, CMDLINE_PREFIX},
    userdata::{MAX_KEYS, MAX_KEY_LEN, MAX_VALUE_WRITE},
};
use crate::shared::Shared;
use crate::sys::{
    configfs::{AttrDef, Page, SubsystemOps, TargetOps, UserdatumOps},
    errno::{from_parse, EMSGSIZE, ENAMETOOLONG},
    params,
};
use crate::target::{Config, Target, Userdatum};
use crate::tx::State;
use core::fmt::Write;
use kernel::{c_str, prelude::*, sync::Arc};

/// The `netconsole` subsystem directory.
pub(crate) struct Dynamic {
    /// The module's targets and consoles.
    pub(crate) shared: Arc<Shared>,
}

impl SubsystemOps for Dynamic {
    type Target = TargetDir;

    fn make_target(&self, name: &[u8]) -> Result<TargetDir> {
        let shared = self.shared.clone();
        // A boot target gets its directory on `mkdir cmdline<N>`.
        if name.starts_with(CMDLINE_PREFIX) {
            if let Some(target) = self.shared.list.find(name) {
                return Ok(TargetDir { target, shared });
            }
        }
        let target = Arc::pin_init(Target::new(name, params::target_defaults()), GFP_KERNEL)?;
        self.shared.list.add(target.clone())?;
        Ok(TargetDir { target, shared })
    }

    fn drop_target(&self, dir: &TargetDir) {
        self.shared.remove(&dir.target);
    }
}

/// A target's directory.
pub(crate) struct TargetDir {
    target: Arc<Target>,
    shared: Arc<Shared>,
}

const fn attr(name: &'static kernel::str::CStr, writable: bool) -> AttrDef {
    AttrDef { name, writable }
}

// Indexes into `TargetDir::ATTRS`.
const ENABLED: usize = 0;
const EXTENDED: usize = 1;
const RELEASE: usize = 2;
const DEV_NAME: usize = 3;
const LOCAL_PORT: usize = 4;
const REMOTE_PORT: usize = 5;
const LOCAL_IP: usize = 6;
const REMOTE_IP: usize = 7;
const LOCAL_MAC: usize = 8;
const REMOTE_MAC: usize = 9;
const TRANSMIT_ERRORS: usize = 10;
const RATELIMIT_INTERVAL_MS: usize = 11;
const RATELIMIT_BURST: usize = 12;
const LOGLEVEL: usize = 13;
const STATS: usize = 14;

// Indexes into `TargetDir::USERDATA_ATTRS`.
const CPU_NR_ENABLED: usize = 0;
const TASKNAME_ENABLED: usize = 1;
const RELEASE_ENABLED: usize = 2;
const MSGID_ENABLED: usize = 3;

fn show_bool(page: &mut Page<'_>, v: bool) -> Result {
    page.push(if v { b"1\n" } else { b"0\n" })
}

fn show_num(page: &mut Page<'_>, v: u64) -> Result {
    writeln!(page, "{v}").map_err(|_| EFBIG)
}

fn show_ip(page: &mut Page<'_>, ip: Option<IpAddr>) -> Result {
    if let Some(ip) = ip {
        let mut buf = [0u8; MAX_IP_STR_LEN];
        let n = format_ip(&ip, &mut buf);
        page.push(buf.get(..n).unwrap_or(&[]))?;
    }
    page.push(b"\n")
}

fn show_mac(page: &mut Page<'_>, mac: &[u8; 6]) -> Result {
    let mut buf = [0u8; 17];
    let n = format_mac(mac, &mut buf);
    page.push(buf.get(..n).unwrap_or(&[]))?;
    page.push(b"\n")
}

impl TargetDir {
    /// Runs `f` on the configuration if the target is not enabled (else logs and fails).
    fn update(&self, f: impl FnOnce(&mut Config) -> Result) -> Result {
        let mut cfg = self.target.lock_cfg();
        self.target.check_not_enabled()?;
        f(&mut cfg)
    }

    fn store_enabled(&self, buf: &[u8]) -> Result {
        let enable = parse_bool(buf).map_err(from_parse)?;
        let mut cfg = self.target.lock_cfg();
        // A user write ends a deactivation whatever it asks for.
        if self.target.state() == State::Deactivated {
            self.target.disable();
        }
        let enabled = self.target.state() == State::Enabled;
        if enable == enabled {
            pr_info!(
                "network logging has already {}\n",
                if enabled { "started" } else { "stopped" }
            );
            return Err(EINVAL);
        }
        if enable {
            self.target.enable(&mut cfg)?;
            drop(cfg);
            self.shared.update_consoles(false);
            pr_info!("network logging started\n");
        } else {
            self.target.disable();
            drop(cfg);
            self.shared.update_consoles(false);
        }
        Ok(())
    }

    fn store_loglevel(&self, buf: &[u8]) -> Result {
        let level = parse_loglevel(buf).map_err(from_parse)?;
        self.target.tx.lock().loglevel = level;
        Ok(())
    }

    fn show_stats(&self, page: &mut Page<'_>) -> Result {
        let (s, pool) = {
            let tx = self.target.tx.lock();
            (tx.stats, tx.link.as_ref().map_or(0, |l| l.np.pool_len()))
        };
        writeln!(page, "datagrams {}", s.datagrams)
            .and_then(|()| writeln!(page, "bytes {}", s.bytes))
            .and_then(|()| writeln!(page, "dropped_ratelimit {}", s.dropped_ratelimit))
            .and_then(|()| writeln!(page, "dropped_loglevel {}", s.dropped_loglevel))
            .and_then(|()| writeln!(page, "pool_fallbacks {}", s.pool_fallbacks))
            .and_then(|()| writeln!(page, "transmit_errors {}", s.transmit_errors))
            .and_then(|()| writeln!(page, "dropped_nomem {}", s.dropped_nomem))
            .and_then(|()| writeln!(page, "dropped_device_down {}", s.dropped_device_down))
            .and_then(|()| writeln!(page, "pool_skbs {pool}"))
            .map_err(|_| EFBIG)
    }
}

impl TargetOps for TargetDir {
    type Userdatum = UserdatumDir;

    const ATTRS: &'static [AttrDef] = &[
        attr(c_str!("enabled"), true),
        attr(c_str!("extended"), true),
        attr(c_str!("release"), true),
        attr(c_str!("dev_name"), true),
        attr(c_str!("local_port"), true),
        attr(c_str!("remote_port"), true),
        attr(c_str!("local_ip"), true),
        attr(c_str!("remote_ip"), true),
        attr(c_str!("local_mac"), false),
        attr(c_str!("remote_mac"), true),
        attr(c_str!("transmit_errors"), false),
        attr(c_str!("ratelimit_interval_ms"), true),
        attr(c_str!("ratelimit_burst"), true),
        attr(c_str!("loglevel"), true),
        attr(c_str!("stats"), false),
    ];

    const USERDATA_ATTRS: &'static [AttrDef] = &[
        attr(c_str!("cpu_nr_enabled"), true),
        attr(c_str!("taskname_enabled"), true),
        attr(c_str!("release_enabled"), true),
        attr(c_str!("msgid_enabled"), true),
    ];

    fn show(&self, attr: usize, page: &mut Page<'_>) -> Result {
        let t = &self.target;
        match attr {
            ENABLED => show_bool(page, t.state() == State::Enabled),
            EXTENDED => show_bool(page, t.lock_cfg().opts.extended),
            RELEASE => show_bool(page, t.lock_cfg().opts.release),
            DEV_NAME => {
                let opts = t.lock_cfg().opts;
                page.push(opts.dev.name().unwrap_or(&[]))?;
                page.push(b"\n")
            }
            LOCAL_PORT => show_num(page, t.lock_cfg().opts.local_port.into()),
            REMOTE_PORT => show_num(page, t.lock_cfg().opts.remote_port.into()),
            LOCAL_IP => show_ip(page, t.lock_cfg().opts.local_ip),
            REMOTE_IP => show_ip(page, t.lock_cfg().opts.remote_ip),
            LOCAL_MAC => {
                let tx = t.tx.lock();
                let mac = tx
                    .link
                    .as_ref()
                    .map_or(BROADCAST_MAC, |l| l.endpoints.src_mac);
                drop(tx);
                show_mac(page, &mac)
            }
            REMOTE_MAC => show_mac(page, &t.lock_cfg().opts.remote_mac),
            TRANSMIT_ERRORS => show_num(page, t.tx.lock().stats.transmit_errors),
            RATELIMIT_INTERVAL_MS => show_num(page, t.tx.lock().ratelimit.interval_ms.into()),
            RATELIMIT_BURST => show_num(page, t.tx.lock().ratelimit.burst.into()),
            LOGLEVEL => show_num(page, t.tx.lock().loglevel.into()),
            STATS => self.show_stats(page),
            _ => Err(EINVAL),
        }
    }

    fn store(&self, attr: usize, buf: &[u8]) -> Result {
        match attr {
            ENABLED => self.store_enabled(buf),
            EXTENDED => self.update(|cfg| {
                cfg.opts.extended = parse_bool(buf).map_err(from_parse)?;
                Ok(())
            }),
            RELEASE => self.update(|cfg| {
                cfg.opts.release = parse_bool(buf).map_err(from_parse)?;
                Ok(())
            }),
            DEV_NAME => {
                // The length is checked before anything else, as in C.
                let name = parse_dev_name(buf).map_err(|_| ENAMETOOLONG())?;
                self.update(|cfg| {
                    cfg.opts.dev = Device::from_name(name);
                    Ok(())
                })
            }
            LOCAL_PORT => self.update(|cfg| {
                cfg.opts.local_port = parse_u16(buf).map_err(from_parse)?;
                Ok(())
            }),
            REMOTE_PORT => self.update(|cfg| {
                cfg.opts.remote_port = parse_u16(buf).map_err(from_parse)?;
                Ok(())
            }),
            LOCAL_IP => self.update(|cfg| {
                cfg.opts.local_ip = Some(parse_ip_attr(buf).map_err(from_parse)?);
                Ok(())
            }),
            REMOTE_IP => self.update(|cfg| {
                cfg.opts.remote_ip = Some(parse_ip_attr(buf).map_err(from_parse)?);
                Ok(())
            }),
            REMOTE_MAC => self.update(|cfg| {
                cfg.opts.remote_mac = parse_mac_attr(buf).map_err(from_parse)?;
                Ok(())
            }),
            RATELIMIT_INTERVAL_MS => {
                let v = parse_u32(buf).map_err(from_parse)?;
                let mut tx = self.target.tx.lock();
                let burst = tx.ratelimit.burst;
                tx.ratelimit.set(v, burst);
                Ok(())
            }
            RATELIMIT_BURST => {
                let v = parse_u32(buf).map_err(from_parse)?;
                let mut tx = self.target.tx.lock();
                let interval = tx.ratelimit.interval_ms;
                tx.ratelimit.set(interval, v);
                Ok(())
            }
            LOGLEVEL => self.store_loglevel(buf),
            _ => Err(EINVAL),
        }
    }

    fn show_userdata(&self, attr: usize, page: &mut Page<'_>) -> Result {
        let flags = self.target.tx.lock().sysdata;
        match attr {
            CPU_NR_ENABLED => show_bool(page, flags.cpu),
            TASKNAME_ENABLED => show_bool(page, flags.taskname),
            RELEASE_ENABLED => show_bool(page, flags.release),
            MSGID_ENABLED => show_bool(page, flags.msgid),
            _ => Err(EINVAL),
        }
    }

    fn store_userdata(&self, attr: usize, buf: &[u8]) -> Result {
        let on = parse_bool(buf).map_err(from_parse)?;
        // The configuration mutex serialises these writers with the others.
        let _cfg = self.target.lock_cfg();
        let mut tx = self.target.tx.lock();
        match attr {
            CPU_NR_ENABLED => tx.sysdata.cpu = on,
            TASKNAME_ENABLED => tx.sysdata.taskname = on,
            RELEASE_ENABLED => tx.sysdata.release = on,
            MSGID_ENABLED => tx.sysdata.msgid = on,
            _ => return Err(EINVAL),
        }
        Ok(())
    }

    fn make_userdatum(&self, key: &[u8]) -> Result<UserdatumDir> {
        if key.len() > MAX_KEY_LEN {
            return Err(ENAMETOOLONG());
        }
        let mut cfg = self.target.lock_cfg();
        if cfg.userdata.len() >= MAX_KEYS {
            return Err(ENOSPC);
        }
        let id = cfg.next_userdatum;
        let mut k = KVec::with_capacity(key.len(), GFP_KERNEL)?;
        k.extend_from_slice(key, GFP_KERNEL)?;
        cfg.userdata.push(
            Userdatum {
                id,
                key: k,
                value: KVec::new(),
            },
            GFP_KERNEL,
        )?;
        cfg.next_userdatum = id.wrapping_add(1);
        // An empty value adds no line: nothing to publish.
        Ok(UserdatumDir {
            target: self.target.clone(),
            id,
        })
    }

    fn drop_userdatum(&self, entry: &UserdatumDir) {
        let mut cfg = self.target.lock_cfg();
        let old = core::mem::take(&mut cfg.userdata);
        let mut kept = KVec::with_capacity(old.len(), GFP_KERNEL).unwrap_or_default();
        for u in old {
            if u.id != entry.id {
                if let Err(e) = kept.push(u, GFP_KERNEL) {
                    // Out of memory: leave the rest out of messages rather than fail an rmdir.
                    pr_warn!(
                        "userdata of {} lost: {:?}\n",
                        kernel::str::BStr::from_bytes(self.target.name()),
                        e
                    );
                }
            }
        }
        cfg.userdata = kept;
        let _ = self.target.publish_userdata(&cfg);
    }
}

/// A userdata entry's directory.
pub(crate) struct UserdatumDir {
    target: Arc<Target>,
    id: u64,
}

impl UserdatumOps for UserdatumDir {
    fn show_value(&self, page: &mut Page<'_>) -> Result {
        let cfg = self.target.lock_cfg();
        let u = cfg
            .userdata
            .iter()
            .find(|u| u.id == self.id)
            .ok_or(ENOENT)?;
        page.push(&u.value)?;
        page.push(b"\n")
    }

    fn store_value(&self, buf: &[u8]) -> Result {
        if buf.len() >= MAX_VALUE_WRITE {
            return Err(EMSGSIZE());
        }
        let value = trim_newline(c_str(buf));
        let mut v = KVec::with_capacity(value.len(), GFP_KERNEL)?;
        v.extend_from_slice(value, GFP_KERNEL)?;
        let mut cfg = self.target.lock_cfg();
        let u = cfg
            .userdata
            .iter_mut()
            .find(|u| u.id == self.id)
            .ok_or(ENOENT)?;
        let old = core::mem::replace(&mut u.value, v);
        if let Err(e) = self.target.publish_userdata(&cfg) {
            // Keep the configuration what the messages carry.
            if let Some(u) = cfg.userdata.iter_mut().find(|u| u.id == self.id) {
                u.value = old;
            }
            return Err(e);
        }
        Ok(())
    }
}
