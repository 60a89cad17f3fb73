/**
 * The standard library's top-level module names, so MLH110 never asks to declare `os` or `json`.
 *
 * The base list is CPython 3.11's `sys.stdlib_module_names`, generated once with
 * `python3 -c 'import sys; print(sorted(sys.stdlib_module_names))'`. Modules that exist only in some
 * of the versions we support (3.8-3.14) are listed below with the version that added or removed them,
 * from each release's "What's New". Only removals matter for checking: a module added later has no
 * PyPI distribution to declare, while a removed one really is missing on newer Pythons
 * (`import distutils` on 3.12 needs setuptools; `import imp` simply fails).
 */
const STDLIB_311 = new Set(
  (
  '__future__ _abc _aix_support _ast _asyncio _bisect _blake2 _bootsubprocess _bz2 _codecs _codecs_cn _codecs_hk ' +
  '_codecs_iso2022 _codecs_jp _codecs_kr _codecs_tw _collections _collections_abc _compat_pickle _compression ' +
  '_contextvars _crypt _csv _ctypes _curses _curses_panel _datetime _dbm _decimal _elementtree _frozen_importlib ' +
  '_frozen_importlib_external _functools _gdbm _hashlib _heapq _imp _io _json _locale _lsprof _lzma _markupbase ' +
  '_md5 _msi _multibytecodec _multiprocessing _opcode _operator _osx_support _overlapped _pickle _posixshmem ' +
  '_posixsubprocess _py_abc _pydecimal _pyio _queue _random _scproxy _sha1 _sha256 _sha3 _sha512 _signal ' +
  '_sitebuiltins _socket _sqlite3 _sre _ssl _stat _statistics _string _strptime _struct _symtable _thread ' +
  '_threading_local _tkinter _tokenize _tracemalloc _typing _uuid _warnings _weakref _weakrefset _winapi ' +
  '_zoneinfo abc aifc antigravity argparse array ast asynchat asyncio asyncore atexit audioop base64 bdb binascii ' +
  'bisect builtins bz2 cProfile calendar cgi cgitb chunk cmath cmd code codecs codeop collections colorsys ' +
  'compileall concurrent configparser contextlib contextvars copy copyreg crypt csv ctypes curses dataclasses ' +
  'datetime dbm decimal difflib dis distutils doctest email encodings ensurepip enum errno faulthandler fcntl ' +
  'filecmp fileinput fnmatch fractions ftplib functools gc genericpath getopt getpass gettext glob graphlib grp ' +
  'gzip hashlib heapq hmac html http idlelib imaplib imghdr imp importlib inspect io ipaddress itertools json ' +
  'keyword lib2to3 linecache locale logging lzma mailbox mailcap marshal math mimetypes mmap modulefinder msilib ' +
  'msvcrt multiprocessing netrc nis nntplib nt ntpath nturl2path numbers opcode operator optparse os ossaudiodev ' +
  'pathlib pdb pickle pickletools pipes pkgutil platform plistlib poplib posix posixpath pprint profile pstats ' +
  'pty pwd py_compile pyclbr pydoc pydoc_data pyexpat queue quopri random re readline reprlib resource ' +
  'rlcompleter runpy sched secrets select selectors shelve shlex shutil signal site smtpd smtplib sndhdr socket ' +
  'socketserver spwd sqlite3 sre_compile sre_constants sre_parse ssl stat statistics string stringprep struct ' +
  'subprocess sunau symtable sys sysconfig syslog tabnanny tarfile telnetlib tempfile termios textwrap this ' +
  'threading time timeit tkinter token tokenize tomllib trace traceback tracemalloc tty turtle turtledemo types ' +
  'typing unicodedata unittest urllib uu uuid venv warnings wave weakref webbrowser winreg winsound wsgiref ' +
  'xdrlib xml xmlrpc zipapp zipfile zipimport zlib zoneinfo'
  ).split(' '),
);

export interface StdlibChange {
  /** First minor version (3.x) that has the module; undefined when older than 3.8. */
  addedIn?: number;
  /** First minor version (3.x) without it. */
  removedIn?: number;
}

/** Modules whose presence differs across Python 3.8-3.14. */
export const STDLIB_CHANGES: Record<string, StdlibChange> = {
  // Removed before 3.11, so absent from the generated list.
  dummy_threading: { removedIn: 9 },
  _dummy_thread: { removedIn: 9 },
  parser: { removedIn: 10 },
  symbol: { removedIn: 10 },
  formatter: { removedIn: 10 },
  _peg_parser: { addedIn: 9, removedIn: 10 },
  binhex: { removedIn: 11 },
  // Added after 3.8.
  zoneinfo: { addedIn: 9 },
  graphlib: { addedIn: 9 },
  tomllib: { addedIn: 11 },
  _pyrepl: { addedIn: 13 },
  _colorize: { addedIn: 13 },
  annotationlib: { addedIn: 14 },
  compression: { addedIn: 14 },
  // Removed in 3.12 (PEP 632 for distutils; asyncore/asynchat/smtpd/imp long deprecated).
  distutils: { removedIn: 12 },
  imp: { removedIn: 12 },
  asynchat: { removedIn: 12 },
  asyncore: { removedIn: 12 },
  smtpd: { removedIn: 12 },
  // Removed in 3.13 (PEP 594 "dead batteries", and lib2to3).
  aifc: { removedIn: 13 },
  audioop: { removedIn: 13 },
  cgi: { removedIn: 13 },
  cgitb: { removedIn: 13 },
  chunk: { removedIn: 13 },
  crypt: { removedIn: 13 },
  imghdr: { removedIn: 13 },
  mailcap: { removedIn: 13 },
  msilib: { removedIn: 13 },
  nis: { removedIn: 13 },
  nntplib: { removedIn: 13 },
  ossaudiodev: { removedIn: 13 },
  pipes: { removedIn: 13 },
  sndhdr: { removedIn: 13 },
  spwd: { removedIn: 13 },
  sunau: { removedIn: 13 },
  telnetlib: { removedIn: 13 },
  uu: { removedIn: 13 },
  xdrlib: { removedIn: 13 },
  lib2to3: { removedIn: 13 },
  _crypt: { removedIn: 13 },
};

/** The Python minor versions (3.x) a project runs on; undefined bounds mean "not known". */
export interface PythonTarget {
  minMinor?: number;
  maxMinor?: number;
}

export const OLDEST_SUPPORTED_MINOR = 8;
export const NEWEST_KNOWN_MINOR = 14;

export type StdlibStatus =
  | { kind: 'stdlib' }
  /** In the standard library of some supported versions but removed in `removedIn`, which the target reaches. */
  | { kind: 'removed'; removedIn: number }
  | { kind: 'not-stdlib' };

/**
 * Whether a top-level module is in the standard library of every Python the project targets. With
 * no known target, a module that was ever in 3.8-3.14 counts as standard library: without a version
 * we cannot claim it is missing.
 */
export function stdlibStatus(topLevelModule: string, target: PythonTarget = {}): StdlibStatus {
  const change = Object.hasOwn(STDLIB_CHANGES, topLevelModule) ? STDLIB_CHANGES[topLevelModule] : undefined;
  if (!change) return STDLIB_311.has(topLevelModule) ? { kind: 'stdlib' } : { kind: 'not-stdlib' };
  if (change.removedIn !== undefined && target.maxMinor !== undefined && target.maxMinor >= change.removedIn) {
    return { kind: 'removed', removedIn: change.removedIn };
  }
  return { kind: 'stdlib' };
}

export function isStdlibModule(topLevelModule: string, target: PythonTarget = {}): boolean {
  return stdlibStatus(topLevelModule, target).kind === 'stdlib';
}
