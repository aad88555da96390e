//! Tests of the level lookups: the extended record's first field, and a basic console text
//! matched against the record read back by sequence number.

use netconsole_pure::attr::{basic_record_level, record_level};

#[test]
fn extended_record_level() {
    assert_eq!(record_level(b"6,12,345,-;text\n"), Some(6));
    assert_eq!(record_level(b"14,12,345,-;text\n"), Some(6));
    assert_eq!(record_level(b"3,0,0,-;x"), Some(3));
    assert_eq!(record_level(b",1,2,-;x"), None);
    assert_eq!(record_level(b"x,1,2,-;x"), None);
    assert_eq!(record_level(b"123456,1"), None);
}

#[test]
fn basic_level_of_the_same_record() {
    let line = b"<3>[   12.345678] disk on fire\n";
    assert_eq!(
        basic_record_level(line, b"[   12.345678] disk on fire\n"),
        Some(3)
    );
    // Facility bits are dropped (a /dev/kmsg write is facility user, 1).
    let user = b"<14>[   12.345678] from userspace\n";
    assert_eq!(
        basic_record_level(user, b"[   12.345678] from userspace\n"),
        Some(6)
    );
}

#[test]
fn basic_level_of_a_multi_line_record() {
    let line = b"<4>[    1.000000] first\n<4>[    1.000000] second\n";
    let msg = b"[    1.000000] first\n[    1.000000] second\n";
    assert_eq!(basic_record_level(line, msg), Some(4));
}

#[test]
fn basic_level_after_printk_notices() {
    let line = b"<5>[    2.000000] after a gap\n";
    let dropped = b"** 7 printk messages dropped **\n[    2.000000] after a gap\n";
    assert_eq!(basic_record_level(line, dropped), Some(5));
    let both = b"** 7 printk messages dropped **\n** replaying previous printk message **\n[    2.000000] after a gap\n";
    assert_eq!(basic_record_level(line, both), Some(5));
    let three = b"** a **\n** b **\n** c **\n[    2.000000] after a gap\n";
    assert_eq!(basic_record_level(line, three), None);
}

#[test]
fn basic_level_of_another_record_is_unknown() {
    let line = b"<3>[   12.345679] a later record\n";
    assert_eq!(
        basic_record_level(line, b"[   12.345678] disk on fire\n"),
        None
    );
    // Not a notice in front: no match.
    assert_eq!(
        basic_record_level(line, b"junk\n[   12.345679] a later record\n"),
        None
    );
}

#[test]
fn basic_level_of_malformed_lines() {
    let msg = b"[    1.000000] x\n";
    for line in [
        &b""[..],
        b"[    1.000000] x\n",
        b"<>[    1.000000] x\n",
        b"<x>[    1.000000] x\n",
        b"<123456>[    1.000000] x\n",
        b"<3",
        b"<3>",
    ] {
        assert_eq!(basic_record_level(line, msg), None, "{line:?}");
    }
    // A truncated read (no newline) still matches the beginning.
    assert_eq!(basic_record_level(b"<2>[    1.000000] x", msg), Some(2));
}
