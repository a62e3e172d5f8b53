"""PyTorch's forms of the grad-mode switches: ``@no_grad`` without parentheses, ``set_grad_enabled``
called as a function, as a ``with`` block and as a decorator, and ``inference_mode``."""
import minigan


def records(x):
    return (x * 2).requires_grad


def test_no_grad_and_enable_grad_decorate_with_or_without_parentheses():
    x = minigan.ones(2, requires_grad=True)
    bare, called = minigan.no_grad(records), minigan.no_grad()(records)
    assert bare(x) is False and called(x) is False and records(x) is True
    with minigan.no_grad():
        assert minigan.enable_grad(records)(x) is True and records(x) is False
    assert minigan.is_grad_enabled()


def test_set_grad_enabled_as_a_function_switches_at_once():
    x = minigan.ones(2, requires_grad=True)
    try:
        minigan.set_grad_enabled(False)
        assert records(x) is False and not minigan.is_grad_enabled()
    finally:
        minigan.set_grad_enabled(True)
    assert records(x) is True


def test_set_grad_enabled_as_a_block_restores_the_mode_before_it():
    x = minigan.ones(2, requires_grad=True)
    with minigan.set_grad_enabled(False):
        assert records(x) is False
    assert minigan.is_grad_enabled()
    with minigan.no_grad():
        with minigan.set_grad_enabled(True):
            assert records(x) is True
        assert not minigan.is_grad_enabled()  # back to the no_grad around it
    switch = minigan.set_grad_enabled(False)
    with switch:
        pass
    with switch:  # a second use of one object pushes and pops the mode again
        assert not minigan.is_grad_enabled()
    assert minigan.is_grad_enabled()


def test_set_grad_enabled_as_a_decorator_changes_nothing_until_called():
    x = minigan.ones(2, requires_grad=True)
    decorated = minigan.set_grad_enabled(False)(records)
    assert minigan.is_grad_enabled()
    assert decorated(x) is False and minigan.is_grad_enabled()


def test_inference_mode_turns_recording_off_like_no_grad():
    x = minigan.ones(2, requires_grad=True)
    with minigan.inference_mode():
        assert records(x) is False
    with minigan.inference_mode(False):
        assert records(x) is True
    assert minigan.inference_mode(records)(x) is False and minigan.inference_mode()(records)(x) is False
    assert minigan.is_grad_enabled()
