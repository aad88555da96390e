// SPDX-License-Identifier: GPL-2.0
//! The module's own workqueue, for target resumes.
//!
//! C header: [`include/linux/workqueue.h`](srctree/include/linux/workqueue.h)

use super::bindings;
use core::ptr::NonNull;
use kernel::{prelude::*, workqueue::Queue};

/// An unbound workqueue owned by the module, destroyed (after running what is queued) when
/// dropped.
///
/// # Invariants
///
/// `ptr` is a workqueue allocated by `alloc_workqueue` and not destroyed yet.
pub(crate) struct ResumeQueue {
    ptr: NonNull<kernel::bindings::workqueue_struct>,
}

// SAFETY: Workqueues may be used from any thread.
unsafe impl Send for ResumeQueue {}
// SAFETY: Workqueues may be used from any thread.
unsafe impl Sync for ResumeQueue {}

impl ResumeQueue {
    /// Allocates the workqueue. May sleep.
    pub(crate) fn new() -> Result<Self> {
        // SAFETY: Plain allocation in process context.
        let ptr = unsafe { bindings::nc_alloc_resume_wq() };
        // INVARIANT: allocated here.
        Ok(Self {
            ptr: NonNull::new(ptr).ok_or(ENOMEM)?,
        })
    }

    /// The queue, to enqueue work on.
    pub(crate) fn queue(&self) -> &Queue {
        // SAFETY: `ptr` is a live workqueue until `self` is dropped (type invariant), which
        // the returned borrow cannot outlive.
        unsafe { Queue::from_raw(self.ptr.as_ptr()) }
    }
}

impl ResumeQueue {
    /// Waits until every work item queued so far has run.
    pub(crate) fn flush(&self) {
        // SAFETY: `ptr` is live (type invariant); flushing sleeps, callers are in process
        // context.
        unsafe { kernel::bindings::__flush_workqueue(self.ptr.as_ptr()) };
    }
}

impl Drop for ResumeQueue {
    fn drop(&mut self) {
        // SAFETY: `ptr` is live (type invariant); `destroy_workqueue` first runs every work
        // item still queued, so none is lost or left referring to the queue.
        unsafe { kernel::bindings::destroy_workqueue(self.ptr.as_ptr()) };
    }
}
