#!/usr/bin/env python3
"""CPython's own name classification per scope (the `symtable` module), for the scoping oracle.

For every function, lambda and comprehension scope of a source, how the compiler classifies each name
the scope itself uses: `local` (bound in the scope: parameters, assignments, imports, cell variables
too), `global` (declared `global`, or free and resolved to the module or builtins), `free` (declared
`nonlocal`, or read from an enclosing function). Names that only pass through a scope on their way to a
nested one, and the compiler's own `.0`-style names, are left out. Class and module scopes are left out:
the engine follows a class body flow-sensitively, while symtable classifies it statically.

    stdin:  JSON lines {"id": ..., "source": "..."}
    stdout: JSON lines {"id": ..., "scopes": [{"kind", "name", "line", "symbols": {name: class}}]}
            or {"id": ..., "error": "..."} when the source does not compile

`kind` is function, lambda or comprehension; `line` is 1-based (the `def` line for a decorated def).
Run with the interpreter whose stdlib is checked (3.11 here: before PEP 709 inlined comprehensions
into their enclosing scope's table).
"""
import _symtable
import json
import symtable
import sys

COMPREHENSIONS = {'listcomp', 'setcomp', 'dictcomp', 'genexpr'}


# The compiler's scope of a symbol, read from its flags: Symbol.is_global() in 3.11 also answers True
# for anything bound in a function that happens to be named `top` (the name of the module's table).
SCOPE_CLASS = {
    _symtable.LOCAL: 'local', _symtable.CELL: 'local', _symtable.FREE: 'free',
    _symtable.GLOBAL_EXPLICIT: 'global', _symtable.GLOBAL_IMPLICIT: 'global',
}


def classify(table, name):
    flags = table._table.symbols[name]
    return SCOPE_CLASS.get((flags >> _symtable.SCOPE_OFF) & _symtable.SCOPE_MASK)


def scopes(table, out):
    for child in table.get_children():
        if child.get_type() == 'function':
            name = child.get_name()
            # A comprehension's table takes the iterator as the parameter `.0`; a def may be named listcomp.
            comprehension = name in COMPREHENSIONS and '.0' in child.get_identifiers()
            kind = 'comprehension' if comprehension else 'lambda' if name == 'lambda' else 'function'
            symbols = {}
            for symbol in child.get_symbols():
                n = symbol.get_name()
                if n.startswith('.'):
                    continue
                used_here = (symbol.is_referenced() or symbol.is_assigned() or symbol.is_parameter()
                             or symbol.is_declared_global() or symbol.is_nonlocal() or symbol.is_imported())
                if not used_here:
                    continue
                c = classify(child, n)
                if c:
                    symbols[n] = c
            out.append({'kind': kind, 'name': name, 'line': child.get_lineno(), 'symbols': symbols})
        scopes(child, out)
    return out


def main():
    for line in sys.stdin:
        if not line.strip():
            continue
        item = json.loads(line)
        try:
            table = symtable.symtable(item['source'], '<source>', 'exec')
            result = {'scopes': scopes(table, [])}
        except (SyntaxError, ValueError) as e:
            result = {'error': f'{type(e).__name__}: {e}'}
        result['id'] = item.get('id')
        sys.stdout.write(json.dumps(result) + '\n')
    sys.stdout.flush()


if __name__ == '__main__':
    sys.setrecursionlimit(100_000)
    main()
