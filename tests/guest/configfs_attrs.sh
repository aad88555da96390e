#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# impl: both
# configfs: every writable attribute of a disabled target (spec section 3), as Linux 6.12's
# C netconsole does it: valid writes read back (with and without the trailing newline), bad
# input fails with the spec's errno and leaves the value unchanged, and hostile input (empty
# write, "\0", "\n" only, 4096 bytes, non-UTF-8, leading/trailing spaces, valid-then-garbage;
# embedded NUL: configfs_attrs_nul.sh). Every write is one write(2) (tests/lib/configfs.sh).
#
# Rules observed on 6.12 and asserted here (netconsole.c line numbers of 6.12.117):
# - an empty write never reaches the module: configfs fails it with EFAULT;
# - configfs hands the store at most 4095 bytes (a 4096-byte write is cut to 4095);
# - a lone "\0" is refused like empty text by the bool, port and MAC parsers; what a store
#   does with bytes after a NUL, and what it returns then, is in configfs_attrs_nul.sh;
# - kstrtobool looks at the first one or two characters only ("1 ", "1junk", "yes" are true).
# Where 6.12 differs from the spec (garbage IPv4 text accepted by in_aton, the shared address
# family, a failed IPv6 write that clobbers the address, remote_mac text after a newline) the
# inputs are not used here: configfs_attrs_next.sh asserts the spec for them.
. "$(dirname "$0")/../lib/topology.sh"
. "$(dirname "$0")/../lib/configfs.sh"

topo_setup
cfs_setup

nc_rep A4096 a 4096
nc_rep ONES4096 1 4096
nc_rep COLONS4096 : 4096

# valid T A DATA VALUE [N]: the write succeeds returning N (default every byte) and the
# attribute then reads VALUE.
valid() { expect_write "$1" "$2" "$3" "${5:-}" && expect_value "$1" "$2" "$4"; }
# rejected E T A DATA...: each DATA fails with E, value unchanged.
rejected() {
	local e=$1 t=$2 a=$3 d
	shift 3
	for d in "$@"; do expect_rejected "$e" "$t" "$a" "$d"; done
}

cfs_mkdir t

# ---- extended, release: kstrtobool ----
for a in extended release; do
	valid t $a 1 '1\n'
	valid t $a 0 '0\n'
	valid t $a '1\n' '1\n'
	valid t $a '0\n' '0\n'
	valid t $a y '1\n'
	valid t $a n '0\n'
	valid t $a Y '1\n'
	valid t $a N '0\n'
	valid t $a on '1\n'
	valid t $a off '0\n'
	valid t $a ON '1\n'
	valid t $a OFF '0\n'
	valid t $a oN '1\n'
	valid t $a oF '0\n'
	valid t $a yes '1\n'
	valid t $a no '0\n'
	valid t $a t '1\n'
	valid t $a f '0\n'
	# valid then garbage: only the first characters count
	valid t $a '1 ' '1\n'
	valid t $a '0junk' '0\n'
	valid t $a '1\n\n' '1\n'
	valid t $a 'y\xff' '1\n'
	# 4096 bytes: configfs passes 4095, the store takes them all
	valid t $a "$ONES4096" '1\n' 4095
	for v in 1 0; do
		attr_write t $a $v
		rejected EINVAL t $a 2 -1 ' 1' ' 0' o O 'o\n' x '\xff' '\xc3\xa9' '\0' '\n' '\01' "$A4096"
		rejected EFAULT t $a ''
	done
done

# ---- local_port, remote_port: u16, base 10 ----
for a in local_port remote_port; do
	valid t $a 6665 '6665\n'
	valid t $a '7\n' '7\n'
	valid t $a '+5' '5\n'
	valid t $a 010 '10\n'
	valid t $a 65535 '65535\n'
	valid t $a 0 '0\n'
	valid t $a '0\n' '0\n'
	valid t $a 4321 '4321\n'
	rejected ERANGE t $a 65536 70000 '70000\n' 4294967296 99999999999999999999999 "$ONES4096"
	rejected EINVAL t $a abc -1 -0 ' 5' '5 ' ' 5 ' 0x10 0X10 '5\n\n' '5junk' '5.0' '1\n2' \
		'\0' '\n' '\xff' '5\xff' '\t5' "$A4096"
	rejected EFAULT t $a ''
done

# ---- dev_name: up to 15 bytes after dropping one trailing newline ----
valid t dev_name eth1 'eth1\n'
valid t dev_name "$SRCIF\\n" "$SRCIF\\n"
valid t dev_name 123456789012345 '123456789012345\n'
valid t dev_name '123456789012345\n' '123456789012345\n'
valid t dev_name 'ab\n\n' 'ab\n\n'
valid t dev_name ' sp ' ' sp \n'
valid t dev_name '\xff\xfe' '\xff\xfe\n'
valid t dev_name '\xc3\xa9th0' '\xc3\xa9th0\n'
valid t dev_name 'a\nb' 'a\nb\n'
valid t dev_name '\n' '\n'
valid t dev_name before0 'before0\n'
rejected ENAMETOOLONG t dev_name 1234567890123456 '1234567890123456\n' \
	'123456789012345\n\n' '123456789012345 ' "$A4096"
rejected EFAULT t dev_name ''

# ---- local_ip, remote_ip ----
# IPv4 (on this target, which stays IPv4).
for a in local_ip remote_ip; do
	valid t $a 192.0.2.1 '192.0.2.1\n'
	valid t $a '192.0.2.9\n' '192.0.2.9\n'
	valid t $a 255.255.255.255 '255.255.255.255\n'
	valid t $a 0.0.0.0 '0.0.0.0\n'
	valid t $a 192.0.2.77 '192.0.2.77\n'
	# text with ':' is IPv6: unparsable ones fail and change nothing
	rejected EINVAL t $a 1:2 1::2::3 12345::1 ::: 1:2:3:4:5:6:7:8:9 g::1 ' ::1' '\xff::1' \
		1.2.3.4:5 "$COLONS4096"
	rejected EFAULT t $a ''
done
# IPv6 (a target per attribute: on 6.12 an IPv6 address makes the whole target IPv6).
for a in local_ip remote_ip; do
	cfs_mkdir v6$a
	valid v6$a $a 2001:db8::1 '2001:db8::1\n'
	valid v6$a $a '2001:db8::2\n' '2001:db8::2\n'
	valid v6$a $a 2001:DB8:0:0:0:0:0:1 '2001:db8::1\n'
	valid v6$a $a 2001:0db8:0000:0000:0000:0000:0000:0003 '2001:db8::3\n'
	valid v6$a $a 2001:db8:0:0:1:0:0:1 '2001:db8::1:0:0:1\n'
	valid v6$a $a 2001:db8:0:1:1:1:1:1 '2001:db8:0:1:1:1:1:1\n'
	valid v6$a $a 2001:0:0:1:0:0:0:1 '2001:0:0:1::1\n'
	valid v6$a $a fe80::1 'fe80::1\n'
	valid v6$a $a ::ffff:192.0.2.1 '::ffff:192.0.2.1\n'
	valid v6$a $a ::1 '::1\n'
	valid v6$a $a :: '::\n'
	valid v6$a $a 2001:db8::77 '2001:db8::77\n'
	rejected EINVAL v6$a $a 1:2 1::2::3 12345::1 ::: g::1 ' ::1' '\xff::1' "$COLONS4096"
	rejected EFAULT v6$a $a ''
	# Valid IPv6 text followed by garbage: EINVAL (the value is not checked here: 6.12's
	# in6_pton() has already stored the address when the trailing byte is refused,
	# netconsole.c:588-592, :625-629).
	for d in 2001:db8::1x '2001:db8::5 ' fe80::1%nc-src ::g '::1\t'; do
		expect_errno EINVAL v6$a $a "$d"
	done
done

# ---- remote_mac: 17 characters, optional newline ----
cfs_mkdir m
valid m remote_mac aa:bb:cc:dd:ee:ff 'aa:bb:cc:dd:ee:ff\n'
valid m remote_mac '00:11:22:33:44:55\n' '00:11:22:33:44:55\n'
valid m remote_mac AA:BB:CC:DD:EE:0F 'aa:bb:cc:dd:ee:0f\n'
valid m remote_mac ff:ff:ff:ff:ff:ff 'ff:ff:ff:ff:ff:ff\n'
valid m remote_mac 02:00:00:00:00:01 '02:00:00:00:00:01\n'
rejected EINVAL m remote_mac aa:bb:cc:dd:ee:f aa:bb:cc:dd:ee:ff0 a:bb:cc:dd:ee:fff \
	aa-bb-cc-dd-ee-ff aabbccddeeff aa:bb:cc:dd:ee ' aa:bb:cc:dd:ee:ff' 'aa:bb:cc:dd:ee:ff ' \
	'aa:bb:cc:dd:ee:ff\r\n' zz:bb:cc:dd:ee:ff 'aa:bb:cc:dd:ee:\xff\xff' '\0' '\n' '\xff' "$A4096"
rejected EFAULT m remote_mac ''

# Nothing above touched enabled, and the other attributes kept their last values.
expect_value t enabled '0\n'
expect_value t dev_name 'before0\n'
expect_value t local_port '4321\n'
expect_value t remote_port '4321\n'
expect_value t local_ip '192.0.2.77\n'
expect_value t local_mac 'ff:ff:ff:ff:ff:ff\n'
expect_value t remote_mac 'ff:ff:ff:ff:ff:ff\n'

cfs_finish
