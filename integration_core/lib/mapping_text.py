"""The one-line form of a mapping line's transforms, as people type it in the UI.

Steps are separated by ``|`` and run left to right; a step is a transform name followed by its
parameters, positional in the order ``mapping_transforms.TRANSFORMS`` declares them or as
``name=value``; a parameter with spaces is quoted::

    strip | upper | xref product.product
    decimal 3
    datetime "%d.%m.%Y %H:%M" Europe/Berlin
    uom from_uom_path=unit to_uom=kg
    value_map order_status

``parse_transforms`` gives the list ``mapping.LineSpec.transforms`` takes and every problem of
the text at once; the evaluator's own checks (``mapping.validate_spec``) then judge the values.
"""

import shlex

from .mapping_transforms import TRANSFORMS

_INTEGER_PARAMS = {"precision"}


def parse_transforms(text):
    """``(transforms, problems)`` of a pipeline text; empty text is no transform."""
    try:
        lexer = shlex.shlex(text or "", posix=True, punctuation_chars="|")
        lexer.whitespace_split = True
        tokens = list(lexer)
    except ValueError as error:  # an unclosed quote
        return [], [f"cannot read the transforms: {error}"]
    steps, current = [], []
    for token in tokens:
        if token == "|":
            steps.append(current)
            current = []
        elif set(token) == {"|"}:
            return [], ["'||' is not a separator: use a single '|' between two steps"]
        else:
            current.append(token)
    steps.append(current)
    if tokens and any(not step for step in steps):
        return [], ["a '|' must stand between two steps"]
    transforms, problems = [], []
    for number, step in enumerate(steps if tokens else [], 1):
        transform, step_problems = _step(step)
        transforms.append(transform)
        problems += [f"step {number}: {problem}" for problem in step_problems]
    return transforms, problems


def _step(tokens):
    name, arguments = tokens[0], tokens[1:]
    if name not in TRANSFORMS:
        known = ", ".join(sorted(TRANSFORMS))
        return {"name": name}, [f"unknown transform {name!r} (known: {known})"]
    declared = [param.name for param in TRANSFORMS[name].params]
    params, problems = {}, []
    positional = iter(declared)
    for argument in arguments:
        key, separator, value = argument.partition("=")
        if separator and key in declared:
            params[key] = value
            continue
        key = next(positional, None)
        while key in params:
            key = next(positional, None)
        if key is None:
            problems.append(f"{name}: too many parameters ({argument!r})")
            continue
        params[key] = argument
    for key in _INTEGER_PARAMS & params.keys():
        if params[key].isascii() and params[key].isdigit():
            params[key] = int(params[key])
    return dict(params, name=name), problems
