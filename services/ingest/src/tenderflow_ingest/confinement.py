"""Confining an extraction child's writes to its scratch folder with Landlock, which needs no privileges.

A parser bug an attacker steers should at worst scribble in the package's own scratch folder, not plant files in
the service's storage or home. Reading stays open: the extractors load libraries, fonts and Tesseract's data."""

import ctypes
import os
import tempfile
from pathlib import Path

_CREATE_RULESET, _ADD_RULE, _RESTRICT_SELF = 444, 445, 446
_CREATE_RULESET_VERSION = 1
_RULE_PATH_BENEATH = 1
_PR_SET_NO_NEW_PRIVS = 38

_WRITE_FILE = 1 << 1
_DIRECTORY_CHANGES = sum(1 << bit for bit in range(4, 13))  # remove dir/file, make char/dir/reg/sock/fifo/block/sym
_REFER = 1 << 13  # ABI 2
_TRUNCATE = 1 << 14  # ABI 3
NULL_DEVICE = "/dev/null"


class _PathBeneath(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


def _write_rights(abi: int) -> tuple[int, int]:
    """(every write right this kernel knows, the subset that applies to a file rather than a folder)."""
    file_rights = _WRITE_FILE | (_TRUNCATE if abi >= 3 else 0)
    return file_rights | _DIRECTORY_CHANGES | (_REFER if abi >= 2 else 0), file_rights


def confine_writes(scratch: Path) -> bool:
    """From now on this process and its children write only beneath `scratch` (and to /dev/null); temporary files
    go there too. False where the kernel has no Landlock: the other limits still hold."""
    os.chdir(scratch)
    os.environ["TMPDIR"] = str(scratch)
    tempfile.tempdir = str(scratch)
    libc = ctypes.CDLL(None, use_errno=True)
    syscall = libc.syscall
    syscall.restype = ctypes.c_long
    abi = syscall(_CREATE_RULESET, None, ctypes.c_size_t(0), ctypes.c_uint32(_CREATE_RULESET_VERSION))
    if abi < 1:
        return False
    handled, file_rights = _write_rights(abi)
    attributes = ctypes.c_uint64(handled)
    ruleset = syscall(_CREATE_RULESET, ctypes.byref(attributes), ctypes.c_size_t(ctypes.sizeof(attributes)),
                      ctypes.c_uint32(0))
    if ruleset < 0:
        return False
    try:
        for path, rights in ((scratch, handled), (Path(NULL_DEVICE), file_rights)):
            descriptor = os.open(path, os.O_PATH | os.O_CLOEXEC)
            try:
                rule = _PathBeneath(allowed_access=rights, parent_fd=descriptor)
                if syscall(_ADD_RULE, ruleset, _RULE_PATH_BENEATH, ctypes.byref(rule), ctypes.c_uint32(0)) != 0:
                    raise OSError(ctypes.get_errno(), f"Landlock refused a rule for {path}")
            finally:
                os.close(descriptor)
        if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "could not set no_new_privs")
        if syscall(_RESTRICT_SELF, ruleset, ctypes.c_uint32(0)) != 0:
            raise OSError(ctypes.get_errno(), "Landlock could not restrict the process")
    finally:
        os.close(ruleset)
    return True
