// SPDX-License-Identifier: GPL-2.0
//! configfs: netconsole's directory tree under `/sys/kernel/config/netconsole`.
//!
//! C header: [`include/linux/configfs.h`](srctree/include/linux/configfs.h)
//!
//! The tree has netconsole's fixed shape: the subsystem, in which `mkdir` makes a target; a
//! target directory with attributes and a default group `userdata`, which has attributes of its
//! own and in which `mkdir` makes a userdata entry; an entry with one attribute, `value`. The
//! Rust objects behind the three kinds of directory implement [`SubsystemOps`], [`TargetOps`]
//! and [`UserdatumOps`] in safe Rust; this file owns every C object and callback.
//!
//! Each target and entry directory is a heap node owned by its configfs reference count: the
//! node is freed by the `release` callback when configfs drops the last reference.

use super::bindings;
use core::{
    mem::offset_of,
    sync::atomic::{AtomicBool, Ordering},
};
use kernel::{ffi::c_char, page::PAGE_SIZE, prelude::*, str::CStr, types::Opaque, ThisModule};

/// Most attributes one kind of directory may have (one callback each, see `per_attr!`).
const MAX_KIND_ATTRS: usize = 20;

/// Most attributes of the four kinds of directory together: they share one array, so that the
/// tables cost only what they use (the subsystem has none, an entry one).
const MAX_ATTRS: usize = 24;

/// An attribute (a file) of a directory.
pub(crate) struct AttrDef {
    /// File name.
    pub(crate) name: &'static CStr,
    /// Whether it can be written (mode 0644, else 0444).
    pub(crate) writable: bool,
}

/// Where a `show` callback writes its text: the page configfs reads the file from.
pub(crate) struct Page<'a> {
    buf: &'a mut [u8],
    len: usize,
}

impl Page<'_> {
    /// Appends `bytes`; -EFBIG if the page is full (nothing is appended then).
    pub(crate) fn push(&mut self, bytes: &[u8]) -> Result {
        let end = self.len.checked_add(bytes.len()).ok_or(EFBIG)?;
        self.buf
            .get_mut(self.len..end)
            .ok_or(EFBIG)?
            .copy_from_slice(bytes);
        self.len = end;
        Ok(())
    }
}

impl core::fmt::Write for Page<'_> {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        self.push(s.as_bytes()).map_err(|_| core::fmt::Error)
    }
}

/// The subsystem directory: `mkdir` and `rmdir` of targets.
pub(crate) trait SubsystemOps: Send + Sync + 'static {
    /// What is behind a target directory.
    type Target: TargetOps;
    /// `mkdir <name>`. Runs with configfs's subsystem mutex held; may sleep.
    fn make_target(&self, name: &[u8]) -> Result<Self::Target>;
    /// `rmdir` of a target: called before configfs drops its reference to the directory.
    fn drop_target(&self, target: &Self::Target);
}

/// A target directory and its `userdata` default group.
pub(crate) trait TargetOps: Send + Sync + 'static {
    /// What is behind a userdata entry.
    type Userdatum: UserdatumOps;
    /// The target's attributes (at most 20).
    const ATTRS: &'static [AttrDef];
    /// The attributes of its `userdata` directory (at most 20).
    const USERDATA_ATTRS: &'static [AttrDef];
    /// Reads attribute `attr` (an index into [`TargetOps::ATTRS`]).
    fn show(&self, attr: usize, page: &mut Page<'_>) -> Result;
    /// Writes attribute `attr`; `buf` is what userspace wrote (at most 4095 bytes).
    fn store(&self, attr: usize, buf: &[u8]) -> Result;
    /// Reads attribute `attr` of `userdata/`.
    fn show_userdata(&self, attr: usize, page: &mut Page<'_>) -> Result;
    /// Writes attribute `attr` of `userdata/`.
    fn store_userdata(&self, attr: usize, buf: &[u8]) -> Result;
    /// `mkdir userdata/<key>`.
    fn make_userdatum(&self, key: &[u8]) -> Result<Self::Userdatum>;
    /// `rmdir userdata/<key>`, before configfs drops its reference.
    fn drop_userdatum(&self, entry: &Self::Userdatum);
}

/// A userdata entry directory (`userdata/<key>`).
pub(crate) trait UserdatumOps: Send + Sync + 'static {
    /// Reads `value`.
    fn show_value(&self, page: &mut Page<'_>) -> Result;
    /// Writes `value`.
    fn store_value(&self, buf: &[u8]) -> Result;
}

type ShowFn = unsafe extern "C" fn(*mut bindings::config_item, *mut c_char) -> isize;
type StoreFn = unsafe extern "C" fn(*mut bindings::config_item, *const c_char, usize) -> isize;

/// The C description of one kind of directory: its type and operations.
#[repr(C)]
struct TypeTable {
    ty: bindings::config_item_type,
    item_ops: bindings::configfs_item_operations,
    group_ops: bindings::configfs_group_operations,
}

/// The four kinds of directory, and their attributes.
#[repr(C)]
struct TypeTables {
    types: [TypeTable; 4],
    attrs: [bindings::configfs_attribute; MAX_ATTRS],
    /// Each kind's list of attributes (`ct_attrs`), null-terminated, one after the other.
    attr_ptrs: [*mut bindings::configfs_attribute; MAX_ATTRS + 4],
}

/// What goes into a [`TypeTable`].
struct TypeDesc<'a> {
    release: Option<unsafe extern "C" fn(*mut bindings::config_item)>,
    make_group: Option<
        unsafe extern "C" fn(
            *mut bindings::config_group,
            *const c_char,
        ) -> *mut bindings::config_group,
    >,
    make_item: Option<
        unsafe extern "C" fn(
            *mut bindings::config_group,
            *const c_char,
        ) -> *mut bindings::config_item,
    >,
    drop_item:
        Option<unsafe extern "C" fn(*mut bindings::config_group, *mut bindings::config_item)>,
    attrs: &'a [AttrDef],
    shows: &'a [ShowFn],
    stores: &'a [StoreFn],
}

/// Fills the type tables at `t` for `descs`, owned by `owner`. Attributes beyond
/// [`MAX_KIND_ATTRS`] for a kind, or [`MAX_ATTRS`] in all, are left out (`Subsystem::new`
/// checks at build time that there are none).
///
/// # Safety
///
/// `t` must be valid for writes of a `TypeTables` and stay at the same address for as long as
/// any configfs object uses the types.
unsafe fn init_types(t: *mut TypeTables, owner: *mut bindings::module, descs: &[TypeDesc<'_>; 4]) {
    // SAFETY: All-zeroes is a valid `TypeTables` (null pointers, no callbacks).
    unsafe { t.write(core::mem::zeroed()) };
    // SAFETY: `t` was just initialised and is not shared yet.
    let t = unsafe { &mut *t };
    let TypeTables {
        types,
        attrs,
        attr_ptrs,
    } = t;
    let (mut next_attr, mut next_ptr) = (0, 0);
    for (ty, desc) in types.iter_mut().zip(descs) {
        ty.item_ops.release = desc.release;
        ty.group_ops.make_group = desc.make_group;
        ty.group_ops.make_item = desc.make_item;
        ty.group_ops.drop_item = desc.drop_item;
        ty.ty.ct_owner = owner;
        ty.ty.ct_item_ops = &mut ty.item_ops;
        ty.ty.ct_group_ops = &mut ty.group_ops;
        let Some(list) = attr_ptrs.get_mut(next_ptr..) else {
            break;
        };
        ty.ty.ct_attrs = list.as_mut_ptr();
        let n = desc.attrs.len().min(MAX_KIND_ATTRS);
        for i in 0..n {
            let (Some(def), Some(&show), Some(attr), Some(p)) = (
                desc.attrs.get(i),
                desc.shows.get(i),
                attrs.get_mut(next_attr),
                list.get_mut(i),
            ) else {
                break;
            };
            attr.ca_name = def.name.as_char_ptr();
            attr.ca_owner = owner;
            attr.ca_mode = if def.writable { 0o644 } else { 0o444 };
            attr.show = Some(show);
            attr.store = if def.writable {
                desc.stores.get(i).copied()
            } else {
                None
            };
            *p = attr;
            next_attr += 1;
            next_ptr += 1;
        }
        // The pointer after this kind's last one stays null: its list's terminator.
        next_ptr += 1;
    }
}

/// Expands to an array of `$f::<$t, 0>` .. `$f::<$t, 19>`: one callback per attribute index,
/// since configfs does not tell a callback which attribute it serves.
macro_rules! per_attr {
    ($f:ident::<$t:ty>) => {
        [
            $f::<$t, 0>,
            $f::<$t, 1>,
            $f::<$t, 2>,
            $f::<$t, 3>,
            $f::<$t, 4>,
            $f::<$t, 5>,
            $f::<$t, 6>,
            $f::<$t, 7>,
            $f::<$t, 8>,
            $f::<$t, 9>,
            $f::<$t, 10>,
            $f::<$t, 11>,
            $f::<$t, 12>,
            $f::<$t, 13>,
            $f::<$t, 14>,
            $f::<$t, 15>,
            $f::<$t, 16>,
            $f::<$t, 17>,
            $f::<$t, 18>,
            $f::<$t, 19>,
        ]
    };
}

/// The four kinds of directory.
const SUBSYS: usize = 0;
const TARGET: usize = 1;
const USERDATA: usize = 2;
const USERDATUM: usize = 3;

/// The registered `netconsole` subsystem.
///
/// # Invariants
///
/// - `tables` describe the four kinds of directory for `S`; they are initialised before
///   `raw` and never change afterwards.
/// - `raw` is registered with configfs if and only if `registered` is true.
#[pin_data(PinnedDrop)]
pub(crate) struct Subsystem<S: SubsystemOps> {
    #[pin]
    raw: Opaque<bindings::configfs_subsystem>,
    #[pin]
    tables: Opaque<TypeTables>,
    ops: S,
    registered: AtomicBool,
}

// SAFETY: The C objects are only changed by configfs under its own locks after registration;
// `ops` is `Sync`.
unsafe impl<S: SubsystemOps> Sync for Subsystem<S> {}
// SAFETY: Nothing in a `Subsystem` is tied to a thread.
unsafe impl<S: SubsystemOps> Send for Subsystem<S> {}

/// A target directory.
#[pin_data]
struct TargetNode<T: TargetOps> {
    #[pin]
    group: Opaque<bindings::config_group>,
    #[pin]
    userdata: Opaque<bindings::config_group>,
    ops: T,
}

/// A userdata entry directory.
#[pin_data]
struct UserdatumNode<U: UserdatumOps> {
    #[pin]
    item: Opaque<bindings::config_item>,
    ops: U,
}

impl<S: SubsystemOps> Subsystem<S> {
    /// A subsystem of `module`, not registered yet; `ops` serves it.
    pub(crate) fn new(module: &'static ThisModule, ops: S) -> impl PinInit<Self, Error> {
        const {
            let target = <S::Target as TargetOps>::ATTRS.len();
            let userdata = <S::Target as TargetOps>::USERDATA_ATTRS.len();
            assert!(target <= MAX_KIND_ATTRS && userdata <= MAX_KIND_ATTRS);
            assert!(target + userdata + VALUE_ATTR.len() <= MAX_ATTRS);
        }
        let owner = module.as_ptr();
        try_pin_init!(Self {
            tables <- Opaque::ffi_init(move |t: *mut TypeTables| {
                let none: [AttrDef; 0] = [];
                let descs = [
                    TypeDesc {
                        release: None,
                        make_group: Some(make_target::<S>),
                        make_item: None,
                        drop_item: Some(drop_target::<S>),
                        attrs: &none,
                        shows: &[],
                        stores: &[],
                    },
                    TypeDesc {
                        release: Some(release_target::<S>),
                        make_group: None,
                        make_item: None,
                        drop_item: None,
                        attrs: <S::Target as TargetOps>::ATTRS,
                        shows: &per_attr!(target_show::<S>),
                        stores: &per_attr!(target_store::<S>),
                    },
                    TypeDesc {
                        release: None,
                        make_group: None,
                        make_item: Some(make_userdatum::<S>),
                        drop_item: Some(drop_userdatum::<S>),
                        attrs: <S::Target as TargetOps>::USERDATA_ATTRS,
                        shows: &per_attr!(userdata_show::<S>),
                        stores: &per_attr!(userdata_store::<S>),
                    },
                    TypeDesc {
                        release: Some(release_userdatum::<S>),
                        make_group: None,
                        make_item: None,
                        drop_item: None,
                        attrs: &VALUE_ATTR,
                        shows: &[value_show::<S>],
                        stores: &[value_store::<S>],
                    },
                ];
                // SAFETY: `t` points to the tables in this pinned struct, which outlives every
                // configfs object (they are all gone once it is unregistered).
                unsafe { init_types(t, owner, &descs) };
            }),
            raw <- Opaque::ffi_init(|raw: *mut bindings::configfs_subsystem| {
                // SAFETY: `raw` is valid for writes; all-zeroes is a valid subsystem to
                // initialise (`register` does).
                unsafe { raw.write(core::mem::zeroed()) }
            }),
            ops,
            registered: AtomicBool::new(false),
        })
    }

    fn table(&self, kind: usize) -> *const bindings::config_item_type {
        // SAFETY: `tables` holds four tables (type invariant) and `kind < 4`; only the address
        // of a field is computed.
        unsafe {
            let types = core::ptr::addr_of!((*self.tables.get()).types).cast::<TypeTable>();
            core::ptr::addr_of!((*types.add(kind)).ty)
        }
    }

    /// Registers the subsystem as `name`: its directory appears under `/sys/kernel/config`.
    pub(crate) fn register(&self, name: &'static CStr) -> Result {
        if self.registered.swap(true, Ordering::AcqRel) {
            return Err(EBUSY);
        }
        let raw = self.raw.get();
        // SAFETY: A `Subsystem` can only be created through `PinInit` (it is `!Unpin`), so
        // `raw` is pinned with `self`; it is not registered; the name is static and the type
        // table lives as long as `self` (type invariant).
        unsafe {
            bindings::nc_configfs_subsystem_init(raw, name.as_char_ptr(), self.table(SUBSYS))
        };
        // SAFETY: `raw` is an initialised subsystem at a stable address; `PinnedDrop`
        // unregisters it before it goes away.
        let ret = unsafe { bindings::configfs_register_subsystem(raw) };
        if ret != 0 {
            // INVARIANT: not registered.
            self.registered.store(false, Ordering::Release);
            return Err(Error::from_errno(ret));
        }
        Ok(())
    }

    /// # Safety
    ///
    /// `group` must be the `su_group` of the `raw` of a live `Subsystem<S>`.
    unsafe fn from_group<'a>(group: *mut bindings::config_group) -> &'a Self {
        let raw = group
            .cast::<u8>()
            .wrapping_sub(offset_of!(bindings::configfs_subsystem, su_group))
            .wrapping_sub(offset_of!(Self, raw));
        // SAFETY: By the function's safety requirements `raw` is the start of a live
        // `Subsystem<S>`.
        unsafe { &*raw.cast::<Self>() }
    }
}

impl<S: SubsystemOps> Subsystem<S> {
    /// Unregisters the subsystem if it is registered: its directory goes away.
    pub(crate) fn unregister(&self) {
        if self.registered.swap(false, Ordering::AcqRel) {
            // SAFETY: `raw` was registered (type invariant) and no other caller can get here
            // for the same registration (`swap`). Every target directory holds a reference on
            // the module, so none is left by the time the module is unloaded.
            unsafe { bindings::configfs_unregister_subsystem(self.raw.get()) };
        }
    }
}

#[pinned_drop]
impl<S: SubsystemOps> PinnedDrop for Subsystem<S> {
    fn drop(self: Pin<&mut Self>) {
        self.unregister();
    }
}

const VALUE_ATTR: [AttrDef; 1] = [AttrDef {
    name: kernel::c_str!("value"),
    writable: true,
}];

/// Converts a callback's result to what configfs expects.
fn ret(r: Result<usize>) -> isize {
    match r {
        Ok(n) => n as isize,
        Err(e) => e.to_errno() as isize,
    }
}

/// The bytes of a name configfs passes (NUL-terminated).
///
/// # Safety
///
/// `name` must be a valid NUL-terminated string for `'a`.
unsafe fn name_bytes<'a>(name: *const c_char) -> &'a [u8] {
    // SAFETY: By the function's safety requirements.
    unsafe { CStr::from_char_ptr(name) }.as_bytes()
}

/// The node whose `group`'s `cg_item` (its first member) is `item` (no dereference).
fn target_node<T: TargetOps>(item: *mut bindings::config_item) -> *mut TargetNode<T> {
    item.cast::<u8>()
        .wrapping_sub(offset_of!(TargetNode<T>, group))
        .cast()
}

/// # Safety
///
/// `item` must be the `cg_item` of the `group` of a live `TargetNode<T>`.
unsafe fn target_of<'a, T: TargetOps>(item: *mut bindings::config_item) -> &'a TargetNode<T> {
    // SAFETY: By the function's safety requirements.
    unsafe { &*target_node::<T>(item) }
}

/// # Safety
///
/// `group` must be the `userdata` group of a live `TargetNode<T>`.
unsafe fn target_of_userdata<'a, T: TargetOps>(
    group: *mut bindings::config_group,
) -> &'a TargetNode<T> {
    let node = group
        .cast::<u8>()
        .wrapping_sub(offset_of!(TargetNode<T>, userdata));
    // SAFETY: By the function's safety requirements.
    unsafe { &*node.cast::<TargetNode<T>>() }
}

/// The node whose `item` is `item` (no dereference).
fn userdatum_node<U: UserdatumOps>(item: *mut bindings::config_item) -> *mut UserdatumNode<U> {
    item.cast::<u8>()
        .wrapping_sub(offset_of!(UserdatumNode<U>, item))
        .cast()
}

/// # Safety
///
/// `item` must be the `item` of a live `UserdatumNode<U>`.
unsafe fn userdatum_of<'a, U: UserdatumOps>(
    item: *mut bindings::config_item,
) -> &'a UserdatumNode<U> {
    // SAFETY: By the function's safety requirements.
    unsafe { &*userdatum_node::<U>(item) }
}

/// Calls `f` on the page of a `show` callback.
///
/// # Safety
///
/// `page` must be valid for writes of `PAGE_SIZE` bytes for the duration of the call.
unsafe fn with_page(page: *mut c_char, f: impl FnOnce(&mut Page<'_>) -> Result) -> isize {
    // configfs reads at most `SIMPLE_ATTR_SIZE` (4096) bytes of the page whatever the page
    // size, and warns above it.
    let len = PAGE_SIZE.min(4096);
    // SAFETY: By the function's safety requirements (`len` <= `PAGE_SIZE`).
    let buf = unsafe { core::slice::from_raw_parts_mut(page.cast::<u8>(), len) };
    let mut page = Page { buf, len: 0 };
    ret(f(&mut page).map(|()| page.len))
}

/// What a successful `store` returns.
#[derive(Clone, Copy)]
enum Consumed {
    /// The bytes up to the first NUL, as C netconsole's `strnlen(buf, count)`.
    UpToNul,
    /// All of them.
    All,
}

/// Calls `f` on the buffer of a `store` callback and returns what it consumed on success.
///
/// # Safety
///
/// `buf` must be valid for reads of `count` bytes for the duration of the call.
unsafe fn with_buf(
    buf: *const c_char,
    count: usize,
    consumed: Consumed,
    f: impl FnOnce(&[u8]) -> Result,
) -> isize {
    // SAFETY: By the function's safety requirements.
    let bytes = unsafe { core::slice::from_raw_parts(buf.cast::<u8>(), count) };
    let n = match consumed {
        Consumed::UpToNul => bytes.iter().position(|&b| b == 0).unwrap_or(count),
        Consumed::All => count,
    };
    ret(f(bytes).map(|()| n))
}

/// # Safety
///
/// Only for configfs `make_group` of the subsystem: `group` is its group, `name` a C string.
unsafe extern "C" fn make_target<S: SubsystemOps>(
    group: *mut bindings::config_group,
    name: *const c_char,
) -> *mut bindings::config_group {
    // SAFETY: configfs calls `make_group` of the subsystem type on the subsystem's group,
    // which belongs to a registered, hence live, `Subsystem<S>`; `name` is a C string.
    let (sub, key) = unsafe { (Subsystem::<S>::from_group(group), name_bytes(name)) };
    // The memory first: once `make_target` succeeded nothing may fail, or the target would
    // exist without configfs ever dropping it.
    let made = KBox::<TargetNode<S::Target>>::new_uninit(GFP_KERNEL)
        .map_err(Error::from)
        .and_then(|mem| Ok((mem, sub.ops.make_target(key)?)));
    match made {
        Ok((mem, ops)) => {
            let node = KBox::into_raw(mem).cast::<TargetNode<S::Target>>();
            let init = pin_init!(TargetNode {
                group <- Opaque::ffi_init(|g: *mut bindings::config_group| {
                    // SAFETY: All-zeroes is a valid group to initialise.
                    unsafe { g.write(core::mem::zeroed()) }
                }),
                userdata <- Opaque::ffi_init(|g: *mut bindings::config_group| {
                    // SAFETY: All-zeroes is a valid group to initialise.
                    unsafe { g.write(core::mem::zeroed()) }
                }),
                ops,
            });
            // SAFETY: `node` is fresh memory for a `TargetNode`, never moved again: configfs
            // owns it from now on (its reference count) and `release_target` frees it.
            let Ok(()) = unsafe { init.__pinned_init(node) };
            // SAFETY: `node` is valid; the groups are initialised with the subsystem's type
            // tables, which outlive them, and `name` is the C string configfs passed.
            unsafe {
                let g = (*node).group.get();
                let u = (*node).userdata.get();
                bindings::config_group_init_type_name(g, name, sub.table(TARGET));
                bindings::config_group_init_type_name(
                    u,
                    kernel::c_str!("userdata").as_char_ptr(),
                    sub.table(USERDATA),
                );
                bindings::nc_configfs_add_default_group(u, g);
                g
            }
        }
        Err(e) => e.to_ptr(),
    }
}

/// # Safety
///
/// Only for configfs `drop_item` of the subsystem: `item` is a target directory it made.
unsafe extern "C" fn drop_target<S: SubsystemOps>(
    group: *mut bindings::config_group,
    item: *mut bindings::config_item,
) {
    // SAFETY: `group` is the subsystem's group and `item` a target directory made by
    // `make_target`, alive until the `config_item_put` below drops configfs's reference.
    unsafe {
        let sub = Subsystem::<S>::from_group(group);
        sub.ops.drop_target(&target_of::<S::Target>(item).ops);
        bindings::config_item_put(item);
    }
}

/// # Safety
///
/// Only for configfs `release` of a target directory, called once its last reference is gone.
unsafe extern "C" fn release_target<S: SubsystemOps>(item: *mut bindings::config_item) {
    // SAFETY: The last reference to a target directory is gone: nothing uses the node any
    // more, and it was allocated by `make_target` with `KBox::into_raw`.
    unsafe { drop(KBox::from_raw(target_node::<S::Target>(item))) }
}

/// # Safety
///
/// Only for configfs `show` of a target attribute: `item` is a live target directory, `page` has `PAGE_SIZE` bytes.
unsafe extern "C" fn target_show<S: SubsystemOps, const I: usize>(
    item: *mut bindings::config_item,
    page: *mut c_char,
) -> isize {
    // SAFETY: configfs calls an attribute's `show` with a live item of the attribute's type
    // (a target directory) and a page of `PAGE_SIZE` bytes.
    unsafe { with_page(page, |p| target_of::<S::Target>(item).ops.show(I, p)) }
}

/// # Safety
///
/// Only for configfs `store` of a target attribute: `item` is a live target directory, `buf` has `count` bytes.
unsafe extern "C" fn target_store<S: SubsystemOps, const I: usize>(
    item: *mut bindings::config_item,
    buf: *const c_char,
    count: usize,
) -> isize {
    // SAFETY: configfs calls `store` with a live target directory and `count` bytes in `buf`.
    unsafe {
        with_buf(buf, count, Consumed::UpToNul, |b| {
            target_of::<S::Target>(item).ops.store(I, b)
        })
    }
}

/// # Safety
///
/// Only for configfs `show` of a `userdata/` attribute: `item` is a target's live userdata group.
unsafe extern "C" fn userdata_show<S: SubsystemOps, const I: usize>(
    item: *mut bindings::config_item,
    page: *mut c_char,
) -> isize {
    // SAFETY: `item` is the `cg_item` (first member) of a target's `userdata` group.
    unsafe {
        let t = target_of_userdata::<S::Target>(item.cast());
        with_page(page, |p| t.ops.show_userdata(I, p))
    }
}

/// # Safety
///
/// Only for configfs `store` of a `userdata/` attribute: `item` is a target's live userdata group, `buf` has `count` bytes.
unsafe extern "C" fn userdata_store<S: SubsystemOps, const I: usize>(
    item: *mut bindings::config_item,
    buf: *const c_char,
    count: usize,
) -> isize {
    // SAFETY: As `userdata_show`; `buf` holds `count` bytes.
    unsafe {
        let t = target_of_userdata::<S::Target>(item.cast());
        with_buf(buf, count, Consumed::UpToNul, |b| {
            t.ops.store_userdata(I, b)
        })
    }
}

type UserdatumOf<S> = <<S as SubsystemOps>::Target as TargetOps>::Userdatum;

/// # Safety
///
/// Only for configfs `make_item` of a target's userdata group: `group` is that group, `name` a C string.
unsafe extern "C" fn make_userdatum<S: SubsystemOps>(
    group: *mut bindings::config_group,
    name: *const c_char,
) -> *mut bindings::config_item {
    // SAFETY: configfs calls `make_item` of the userdata type on a target's live `userdata`
    // group, whose `cg_subsys` is the registered subsystem; `name` is a C string.
    let (target, sub, key) = unsafe {
        (
            target_of_userdata::<S::Target>(group),
            Subsystem::<S>::from_group(core::ptr::addr_of_mut!((*(*group).cg_subsys).su_group)),
            name_bytes(name),
        )
    };
    // The memory first, as in `make_target`.
    let made = KBox::<UserdatumNode<UserdatumOf<S>>>::new_uninit(GFP_KERNEL)
        .map_err(Error::from)
        .and_then(|mem| Ok((mem, target.ops.make_userdatum(key)?)));
    match made {
        Ok((mem, ops)) => {
            let node = KBox::into_raw(mem).cast::<UserdatumNode<UserdatumOf<S>>>();
            let init = pin_init!(UserdatumNode {
                item <- Opaque::ffi_init(|i: *mut bindings::config_item| {
                    // SAFETY: All-zeroes is a valid item to initialise.
                    unsafe { i.write(core::mem::zeroed()) }
                }),
                ops,
            });
            // SAFETY: `node` is fresh memory for a `UserdatumNode`, owned by configfs from
            // now on (`release_userdatum` frees it).
            let Ok(()) = unsafe { init.__pinned_init(node) };
            // SAFETY: `node` is valid; the type table outlives the item.
            unsafe {
                let i = (*node).item.get();
                bindings::config_item_init_type_name(i, name, sub.table(USERDATUM));
                i
            }
        }
        Err(e) => e.to_ptr(),
    }
}

/// # Safety
///
/// Only for configfs `drop_item` of a userdata group: `item` is an entry it made.
unsafe extern "C" fn drop_userdatum<S: SubsystemOps>(
    group: *mut bindings::config_group,
    item: *mut bindings::config_item,
) {
    // SAFETY: `group` is a target's `userdata` group and `item` an entry made by
    // `make_userdatum`, alive until configfs's reference is dropped below.
    unsafe {
        let target = target_of_userdata::<S::Target>(group);
        target
            .ops
            .drop_userdatum(&userdatum_of::<UserdatumOf<S>>(item).ops);
        bindings::config_item_put(item);
    }
}

/// # Safety
///
/// Only for configfs `release` of a userdata entry, called once its last reference is gone.
unsafe extern "C" fn release_userdatum<S: SubsystemOps>(item: *mut bindings::config_item) {
    // SAFETY: The last reference is gone; the node came from `KBox::into_raw`.
    unsafe { drop(KBox::from_raw(userdatum_node::<UserdatumOf<S>>(item))) }
}

/// # Safety
///
/// Only for configfs `show` of `value`: `item` is a live userdata entry, `page` has `PAGE_SIZE` bytes.
unsafe extern "C" fn value_show<S: SubsystemOps>(
    item: *mut bindings::config_item,
    page: *mut c_char,
) -> isize {
    // SAFETY: `item` is a live userdata entry; `page` has `PAGE_SIZE` bytes.
    unsafe {
        with_page(page, |p| {
            userdatum_of::<UserdatumOf<S>>(item).ops.show_value(p)
        })
    }
}

/// # Safety
///
/// Only for configfs `store` of `value`: `item` is a live userdata entry, `buf` has `count` bytes.
unsafe extern "C" fn value_store<S: SubsystemOps>(
    item: *mut bindings::config_item,
    buf: *const c_char,
    count: usize,
) -> isize {
    // SAFETY: `item` is a live userdata entry; `buf` holds `count` bytes.
    unsafe {
        with_buf(buf, count, Consumed::All, |b| {
            userdatum_of::<UserdatumOf<S>>(item).ops.store_value(b)
        })
    }
}
