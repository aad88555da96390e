# SPDX-License-Identifier: GPL-2.0
"""Checks of netconsole-recv's --json output (tests/lib/recv.sh: recv_json).

Usage: recv_json.py FILE <checks.py

Every line of FILE must be one JSON object with a "type" (a line that does not parse fails
at once). The checks, Python read from stdin, run with these names:

  objs                 every object, in order
  messages, losses     the objects of type "message" and "loss"
  summary              the object of type "summary" (there must be exactly one)
  one(text, sender=None)   the single message whose text contains `text` (from `sender`,
                       "ip:port"); a failed check (None) if there is not exactly one
  check(cond, what)    count a check: print "ok - what" or "FAIL: what"
  env                  os.environ (NETCONSOLE_IMPL, the test's variables)

Exit status: 0 if every check passed and there was at least one, else 1.
"""
import json
import os
import sys

failed = 0
passed = 0


def check(cond, what):
    global failed, passed
    if cond:
        passed += 1
        print("ok - " + what)
    else:
        failed += 1
        print("FAIL: " + what)
    return bool(cond)


def main():
    path = sys.argv[1]
    objs = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            try:
                o = json.loads(line)
            except ValueError as e:
                print("FAIL: %s:%d is not JSON (%s): %r" % (path, n, e, line[:200]))
                return 1
            if not isinstance(o, dict) or "type" not in o:
                print("FAIL: %s:%d is not an event object: %r" % (path, n, line[:200]))
                return 1
            objs.append(o)
    summaries = [o for o in objs if o["type"] == "summary"]
    check(len(summaries) == 1, "one summary object (%d)" % len(summaries))

    def one(text, sender=None):
        hits = [o for o in objs if o["type"] == "message" and text in o["text"]
                and (sender is None or o["sender"] == sender)]
        if check(len(hits) == 1, "one message with %r%s (%d)"
                 % (text, " from " + sender if sender else "", len(hits))):
            return hits[0]
        return None

    names = {
        "objs": objs,
        "messages": [o for o in objs if o["type"] == "message"],
        "losses": [o for o in objs if o["type"] == "loss"],
        "summary": summaries[0] if summaries else {},
        "one": one,
        "check": check,
        "env": os.environ,
    }
    try:
        exec(compile(sys.stdin.read(), "<checks>", "exec"), names)
    except Exception as e:  # a check that cannot even be evaluated fails
        check(False, "the checks raised %s: %s" % (type(e).__name__, e))
    if passed == 0 and failed == 0:
        check(False, "no checks were run")
    print("# %d checks, %d failed" % (passed + failed, failed))
    return 1 if failed else 0


sys.exit(main())
