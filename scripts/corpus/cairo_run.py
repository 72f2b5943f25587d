"""cairo-lang's `cairo-run` (the Python reference VM) on the Python this machine has.

cairo-lang 0.14.0.1 targets Python 3.9: on 3.11 its layouts module fails to import (a dataclass
field whose default is another dataclass instance, which 3.11 refuses as a mutable default),
and its command line does not offer the `all_cairo` layout that cairo-vm and the prover use
(add_mod and mul_mod are only there). This wrapper turns such defaults into default
factories, registers `all_cairo`, and runs cairo-run's own `main` with the arguments given.
"""

import copy
import dataclasses
import sys

_get_field = dataclasses._get_field


def _get_field_with_instance_defaults(cls, name, a_type, *rest):
    """A field whose default is an unhashable dataclass instance gets a factory of copies."""
    default = cls.__dict__.get(name, dataclasses.MISSING)
    if (
        isinstance(default, dataclasses.Field)
        and dataclasses.is_dataclass(default.default)
        and type(default.default).__hash__ is None
    ):
        value = default.default
        default.default = dataclasses.MISSING
        default.default_factory = lambda: copy.deepcopy(value)
    return _get_field(cls, name, a_type, *rest)


dataclasses._get_field = _get_field_with_instance_defaults

from starkware.cairo.lang.instances import LAYOUTS, all_cairo_instance  # noqa: E402

LAYOUTS.setdefault("all_cairo", all_cairo_instance)

from starkware.cairo.lang.vm.cairo_run import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
