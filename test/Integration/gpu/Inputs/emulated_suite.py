"""The loop the emulated-* tests share: one check per case, a line each
(`ok NAME: ...` or `FAIL NAME: ...`), then `N passed, N failed`."""


def run_suite(names, check):
    """check(name) returns (ok, message); returns the exit status."""
    passed = failed = 0
    for name in names:
        ok, message = check(name)
        print(f"{'ok' if ok else 'FAIL'} {name}: {message}")
        passed += ok
        failed += not ok
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0
