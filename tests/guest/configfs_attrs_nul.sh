#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# impl: both
# configfs: writes with a NUL byte inside, as Linux 6.12's C netconsole handles them. configfs
# hands a store the written bytes plus a terminating NUL, and 6.12's stores treat them as a C
# string: the text ends at the first NUL, the bytes after it are ignored, and the write
# returns the length up to the NUL (`return strnlen(buf, count)`, netconsole.c:440, :469, :495,
# :525, :544, :566, :603, :640, :666), so a caller's write(2) sees a short count (a lone "\0"
# written to dev_name returns 0). Userdata values are the exception: the value also ends at
# the NUL, but the store returns the whole count (:762). The spec says nothing about NUL bytes
# in attribute writes; a drop-in must behave the same, so this file asserts 6.12's behaviour
# (kept apart from configfs_attrs.sh so that a difference here shows as its own test).
. "$(dirname "$0")/../lib/topology.sh"
. "$(dirname "$0")/../lib/configfs.sh"

topo_setup
cfs_setup

# valid T A DATA VALUE N: the write succeeds returning N and the attribute reads VALUE.
valid() { expect_write "$1" "$2" "$3" "$5" && expect_value "$1" "$2" "$4"; }

cfs_mkdir t
for a in extended release; do
	valid t $a '1\0' '1\n' 1
	valid t $a '0\0junk' '0\n' 1
	valid t $a '1\0\0\0' '1\n' 1
done
for a in local_port remote_port; do
	valid t $a '5\0x' '5\n' 1
	valid t $a '1234\0' '1234\n' 4
	valid t $a '6665\n\0garbage' '6665\n' 5
done
valid t dev_name 'ab\0cd' 'ab\n' 2
valid t dev_name '\0' '\n' 0
valid t dev_name "$SRCIF\\0\\xff" "$SRCIF\\n" ${#SRCIF}
for a in local_ip remote_ip; do
	valid t $a '192.0.2.3\0junk' '192.0.2.3\n' 9
	valid t $a '192.0.2.4\n\0' '192.0.2.4\n' 10
done
cfs_mkdir v6
for a in local_ip remote_ip; do
	valid v6 $a '::5\0x' '::5\n' 3
	valid v6 $a '2001:db8::7\n\0\xff' '2001:db8::7\n' 12
done
valid t remote_mac 'aa:bb:cc:dd:ee:f1\0xyz' 'aa:bb:cc:dd:ee:f1\n' 17
valid t remote_mac '02:00:00:00:00:02\n\0' '02:00:00:00:00:02\n' 18

# enabled: the same on a target that can start.
cfs_mkdir e
cfs_config e "$SRCIF" "$DSTIP" 6666 0
valid e enabled '1\0x' '1\n' 1
valid e enabled '0\0x' '0\n' 1
valid e enabled 'on\0' '1\n' 2
valid e enabled 'off\0\0' '0\n' 3

# userdata values end at the NUL too, but the whole count is returned.
expect_mkdir 0 t/userdata/k
valid t userdata/k/value 'a\0b' 'a\n' 3
valid t userdata/k/value '\0' '\n' 1
valid t userdata/k/value 'val\n\0tail' 'val\n' 9

cfs_finish
