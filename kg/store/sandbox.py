"""No network in the SPARQL worker processes: defence in depth behind the endpoint's refusal of ``SERVICE``.

The engine (Oxigraph, in Rust) makes its own HTTP calls for ``SERVICE``, below Python, so replacing
``socket.socket`` is not enough on its own: on Linux (x86-64 and arm64) a seccomp filter makes the kernel
refuse every new IPv4 and IPv6 socket (``EACCES``) and io_uring, which could open one behind the filter's
back. Python's own ``connect`` and ``create_connection`` are replaced as well, for every platform. Local
sockets (the pipe to the parent process) keep working. Irreversible: call it in the worker only.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import platform
import socket
import struct
from typing import Any, NoReturn

MESSAGE = "outbound connections are disabled in the SPARQL workers"

# (seccomp audit architecture, socket, io_uring_setup) by machine
_ARCH = {"x86_64": (0xC000003E, 41, 425), "aarch64": (0xC00000B7, 198, 425)}
_PR_SET_NO_NEW_PRIVS, _PR_SET_SECCOMP, _SECCOMP_MODE_FILTER = 38, 22, 2
_ALLOW, _DENY = 0x7FFF0000, 0x00050000 | 13  # SECCOMP_RET_ALLOW, SECCOMP_RET_ERRNO | EACCES
_LD, _JEQ, _JGE, _RET = 0x20, 0x15, 0x35, 0x06  # BPF_LD|W|ABS, BPF_JMP|JEQ|K, BPF_JMP|JGE|K, BPF_RET|K


def _refuse(*_: Any, **__: Any) -> NoReturn:
    raise PermissionError(MESSAGE)


def forbid_network() -> bool:
    """Forbid outbound connections in this process; True when the kernel enforces it (seccomp)."""
    socket.create_connection = _refuse
    socket.socket.connect = _refuse  # type: ignore[method-assign]
    socket.socket.connect_ex = _refuse  # type: ignore[method-assign]
    return _seccomp()


def _filter(arch: int, socket_nr: int, uring_nr: int) -> bytes:
    """The BPF program: other architectures, x32 calls and io_uring refused; socket(AF_INET | AF_INET6)
    refused; everything else allowed."""
    program = [
        (_LD, 0, 0, 4),  # seccomp_data.arch
        (_JEQ, 1, 0, arch),
        (_RET, 0, 0, _DENY),
        (_LD, 0, 0, 0),  # seccomp_data.nr
        (_JGE, 5, 0, 0x40000000),  # the x32 ABI
        (_JEQ, 4, 0, uring_nr),
        (_JEQ, 0, 4, socket_nr),
        (_LD, 0, 0, 16),  # seccomp_data.args[0], low word: the address family
        (_JEQ, 1, 0, socket.AF_INET),
        (_JEQ, 0, 1, socket.AF_INET6),
        (_RET, 0, 0, _DENY),
        (_RET, 0, 0, _ALLOW),
    ]
    return b"".join(struct.pack("HBBI", *op) for op in program)


def _seccomp() -> bool:
    numbers = _ARCH.get(platform.machine())
    name = ctypes.util.find_library("c")
    if platform.system() != "Linux" or numbers is None or name is None:
        return False
    libc = ctypes.CDLL(name, use_errno=True)
    code = _filter(*numbers)
    buffer = ctypes.create_string_buffer(code)

    class Program(ctypes.Structure):
        _fields_ = (("len", ctypes.c_ushort), ("filter", ctypes.c_void_p))

    program = Program(len(code) // 8, ctypes.cast(buffer, ctypes.c_void_p))
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        return False
    return bool(libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.byref(program), 0, 0) == 0)
