// SPDX-License-Identifier: GPL-2.0
/*
 * nc_bench_gen: the log generator of netconsole-rs's benchmark (make bench).
 *
 * On load, a kthread logs `count` records of `size` bytes of text at `rate` records per second
 * (0: as fast as it can), or as many as it can in `seconds`, then stops. Each record reads
 *
 *	"ncb <run> <index> <realtime ns> xxxx..."
 *
 * so that a receiver in another network namespace (same kernel, same clock) can tell which
 * records arrived and how long each took. The time each printk() call took the caller is kept
 * per record. Without high-resolution timers the kthread sleeps in jiffies and catches up
 * after each sleep: the offered rate is exact on average, in bursts of rate/HZ records.
 *
 * debugfs, nc_bench_gen/:
 *	done	0 while logging, 1 when finished
 *	stats	"sent N", "elapsed_ns N", "rate R", "size S", then one caller cost (ns) per line
 */
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/printk.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/vmalloc.h>

/*
 * printk() keeps at most about 1 KiB of a record's text; a longer one is cut, loses its newline
 * and stays open until the next printk(): larger messages come from the target's userdata.
 */
#define NCB_MAX_SIZE 1000
#define NCB_MAX_COUNT 1000000

static unsigned int rate = 1000;
module_param(rate, uint, 0444);
MODULE_PARM_DESC(rate, "records per second (0: as fast as possible)");
static unsigned int count = 1000;
module_param(count, uint, 0444);
MODULE_PARM_DESC(count, "records to log");
static unsigned int size = 256;
module_param(size, uint, 0444);
MODULE_PARM_DESC(size, "bytes of text per record (at least the header, at most 1000)");
static unsigned int seconds;
module_param(seconds, uint, 0444);
MODULE_PARM_DESC(seconds, "stop after this many seconds even if not all were logged (0: never)");
static unsigned int run;
module_param(run, uint, 0444);
MODULE_PARM_DESC(run, "run number carried in every record");

static struct task_struct *ncb_task;
static struct dentry *ncb_dir;
static u32 *ncb_cost;
static char *ncb_pad;
static unsigned int ncb_sent;
static u64 ncb_elapsed;
static bool ncb_done;

static int ncb_thread(void *unused)
{
	u64 start = ktime_get_ns(), now, t0, t1;
	unsigned int i;
	int head;

	for (i = 0; i < count && !kthread_should_stop(); i++) {
		if (seconds && ktime_get_ns() - start >= (u64)seconds * NSEC_PER_SEC)
			break;
		if (rate) {
			u64 due = start + div_u64((u64)i * NSEC_PER_SEC, rate);

			now = ktime_get_ns();
			if (now < due) {
				u64 us = div_u64(due - now, NSEC_PER_USEC);

				usleep_range(us, us + 100);
			}
		} else if ((i & 63) == 0) {
			cond_resched();
		}
		/* The header (the time has 19 digits) is padded to `size` bytes by "%.*s". */
		head = snprintf(NULL, 0, "ncb %u %u ", run, i) + 20;
		t0 = ktime_get_ns();
		printk(KERN_INFO "ncb %u %u %llu %.*s\n", run, i, ktime_get_real_ns(),
		       size > head ? (int)(size - head) : 0, ncb_pad);
		t1 = ktime_get_ns();
		ncb_cost[i] = (u32)min_t(u64, t1 - t0, U32_MAX);
	}
	ncb_sent = i;
	ncb_elapsed = ktime_get_ns() - start;
	WRITE_ONCE(ncb_done, true);
	while (!kthread_should_stop()) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (!kthread_should_stop())
			schedule();
		__set_current_state(TASK_RUNNING);
	}
	return 0;
}

static int ncb_done_show(struct seq_file *m, void *v)
{
	seq_printf(m, "%d\n", READ_ONCE(ncb_done) ? 1 : 0);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(ncb_done);

static int ncb_stats_show(struct seq_file *m, void *v)
{
	unsigned int i;

	if (!READ_ONCE(ncb_done))
		return -EBUSY;
	seq_printf(m, "sent %u\nelapsed_ns %llu\nrate %u\nsize %u\n", ncb_sent, ncb_elapsed,
		   rate, size);
	for (i = 0; i < ncb_sent; i++)
		seq_printf(m, "%u\n", ncb_cost[i]);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(ncb_stats);

static int __init ncb_init(void)
{
	if (!count || count > NCB_MAX_COUNT || size > NCB_MAX_SIZE)
		return -EINVAL;
	ncb_cost = vzalloc(array_size(count, sizeof(*ncb_cost)));
	ncb_pad = kmalloc(NCB_MAX_SIZE + 1, GFP_KERNEL);
	if (!ncb_cost || !ncb_pad)
		goto nomem;
	memset(ncb_pad, 'x', NCB_MAX_SIZE);
	ncb_pad[NCB_MAX_SIZE] = '\0';
	ncb_dir = debugfs_create_dir("nc_bench_gen", NULL);
	debugfs_create_file("done", 0444, ncb_dir, NULL, &ncb_done_fops);
	debugfs_create_file("stats", 0444, ncb_dir, NULL, &ncb_stats_fops);
	ncb_task = kthread_run(ncb_thread, NULL, "nc_bench_gen");
	if (IS_ERR(ncb_task)) {
		debugfs_remove_recursive(ncb_dir);
		vfree(ncb_cost);
		kfree(ncb_pad);
		return PTR_ERR(ncb_task);
	}
	return 0;
nomem:
	vfree(ncb_cost);
	kfree(ncb_pad);
	return -ENOMEM;
}

static void __exit ncb_exit(void)
{
	kthread_stop(ncb_task);
	debugfs_remove_recursive(ncb_dir);
	vfree(ncb_cost);
	kfree(ncb_pad);
}

module_init(ncb_init);
module_exit(ncb_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("netconsole-rs benchmark: logs records at a fixed rate");
