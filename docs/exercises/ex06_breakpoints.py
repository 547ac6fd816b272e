# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Exercise 6 · Breakpoints
#
# Printing inside the loop shows what you decided to print before the run started. A debugger lets you
# decide while the program is paused: it stops at a line you choose, shows every variable, evaluates any
# expression and runs the code line by line. Here you pause the Step 9 loop with PyCharm, with VS Code and
# with Python's built-in debugger, pdb.
#
# ## Task
#
# Pause the Step 9 loop at iteration 500 and look at `t`, `loss`, the four coefficients and their
# gradients. Step over the update of `a` and watch it change. Then stop only when the loss is higher than
# in the previous iteration. Does that ever happen with the article's learning rate? Find one where it does.
#
# ## Hints
#
# <details><summary>Hint 1</summary>
#
# In PyCharm, a click in the gutter (the strip left of the code, next to the line numbers) sets a
# breakpoint. Start the program with Debug, not Run, or the breakpoint is ignored.
#
# </details>
#
# <details><summary>Hint 2</summary>
#
# Without an IDE, write `breakpoint()` on the line where you want to stop. Put it inside an `if` to make it
# conditional. Keep the previous loss in a variable such as `previous_loss` to compare against.
#
# </details>
#
# <details><summary>Hint 3</summary>
#
# Gradient descent on a quadratic loss only lets the loss rise when the learning rate is too large for the
# steepest direction. Try a learning rate a few times larger than `1e-6`.
#
# </details>

# %% [markdown]
# ## Solution
# Try the task yourself before reading on.
#
# ### In PyCharm
#
# Click in the gutter next to the line `grad_y_polynomial_derived = ...` inside the loop; a red dot marks
# the breakpoint. Start the program with Debug (the bug icon, or Shift+F9 on Windows and Linux) instead of
# Run. It stops just before executing the marked line, and the Debug tool window opens.
#
# - The Variables pane lists everything in scope: `t`, `loss`, `a`, `b`, `c`, `d`, the arrays `x` and
#   `y_sin` (click to expand), and the gradients from the previous iteration.
# - Step Over (F8) runs the current line and stops at the next one. Step Into (F7) would enter a function
#   call instead.
# - Resume Program (F9 on Windows and Linux, Cmd+Option+R on macOS) runs on until the next breakpoint hit,
#   which for a line inside the loop is the next iteration.
# - Evaluate Expression (Alt+F8) computes anything you type, for example `grad_b * learning_rate`.
#
# Stopping 2000 times is tedious, so make the breakpoint conditional: right-click the red dot and type
# `t == 500` into the Condition field. PyCharm then stops only when the condition is true. A condition like
# `t > 0 and loss > previous_loss` works too, if your loop keeps `previous_loss` up to date.
#
# ### In VS Code
#
# With the Python extension installed, put the cursor on the same line and press F9 (or click left of the
# line number) to toggle a breakpoint. Open Run and Debug (Ctrl+Shift+D, Cmd+Shift+D on macOS) and start
# "Python Debugger: Current File", or press F5. The Variables section shows the locals, F10 steps over,
# F11 steps into, F5 continues, and the Debug Console evaluates expressions. For a condition, right-click the
# red dot, choose Edit Breakpoint, pick Expression and type `t == 500`. The same menu offers Hit Count,
# which stops on the n-th pass.
#
# ### With `breakpoint()` and pdb
#
# The built-in function `breakpoint()` starts Python's debugger, pdb, at the line where you call it. It
# works in any terminal and in Jupyter. At the `(Pdb)` prompt you type commands:
#
# - `p expr` prints an expression, for example `p t, loss` or `p a, b, c, d`; `pp expr` pretty-prints it.
#   Long numbers are easier to read rounded: `p round(a, 4)`, or `p np.round([a, b, c, d], 4)` for several.
# - `n` (next) runs the current line; `s` (step) does the same but enters function calls.
# - `c` (continue) runs until the next breakpoint; `q` (quit) aborts the program.
# - `l` (list) shows the source around the current line; `w` (where) shows the call stack.
# - `display expr` re-evaluates `expr` at every stop and prints it whenever its value has changed.
# - Any other Python expression typed at the prompt is evaluated as well.
#
# Here is the Step 9 loop as a function with a `breakpoint()` that fires when the loss is larger than in
# the previous iteration. It also records those iterations, so this page can show when it would have
# stopped. First the imports and the data, as in Step 9.

# %%
import io
import os
import pdb

import matplotlib.pyplot as plt
import numpy as np

x = np.linspace(-np.pi, np.pi, 2000)
y_sin = np.sin(x)

# %% [markdown]
# The `debugger` and `stop_at` arguments below serve a scripted session further down; ignore them for now.

# %%
def run_step09(learning_rate, debugger=None, stop_at=None):
    rng = np.random.default_rng(seed=7)
    a, b, c, d = rng.standard_normal(4)
    previous_loss, losses, rises = np.inf, [], []
    for t in range(2000):
        y_polynomial_derived = a + b * x + c * x**2 + d * x**3
        loss = np.square(y_polynomial_derived - y_sin).sum()
        losses.append(loss)
        if not np.isfinite(loss):
            break
        if loss > previous_loss:
            rises.append(t)
            breakpoint()  # a no-op when PYTHONBREAKPOINT=0
        previous_loss = loss
        grad_y_polynomial_derived = 2.0 * (y_polynomial_derived - y_sin)
        grad_a = grad_y_polynomial_derived.sum()
        grad_b = (grad_y_polynomial_derived * x).sum()
        grad_c = (grad_y_polynomial_derived * x**2).sum()
        grad_d = (grad_y_polynomial_derived * x**3).sum()
        if t == stop_at:
            debugger.set_trace()
        a = a - learning_rate * grad_a
        b = b - learning_rate * grad_b
        c = c - learning_rate * grad_c
        d = d - learning_rate * grad_d
    return (a, b, c, d), np.array(losses), rises

# %% [markdown]
# ### Why the page does not stop: `PYTHONBREAKPOINT`
#
# `breakpoint()` does not call pdb directly. It calls `sys.breakpointhook()`, which reads the environment
# variable `PYTHONBREAKPOINT` at every call. If the variable is unset or empty, pdb starts. If it is `0`,
# `breakpoint()` returns immediately and does nothing. Any other value names a function to call instead,
# for example `PYTHONBREAKPOINT=IPython.core.debugger.set_trace` for IPython's debugger. So you can leave
# breakpoints in your code and switch them all off from outside:
#
# `PYTHONBREAKPOINT=0 python step09.py`
#
# This page is executed unattended, with nobody to type at a prompt, so the next cell switches breakpoints
# off for this process. Delete that line when you want your own run to stop.

# %%
os.environ["PYTHONBREAKPOINT"] = "0"  # delete this line to make breakpoint() stop

coefficients, losses, rises = run_step09(learning_rate=1e-6)
print(f"Learning rate 1e-06: final loss {losses[-1]:.4f};")
print(f"the loss rose in {len(rises)} of {len(losses)} iterations.")

# %% [markdown]
# With the article's learning rate the condition never fires: the loss falls at every iteration. That is no
# accident. For a quadratic loss, gradient descent lowers the loss at every step as long as the learning
# rate stays below $2 / \lambda_{\max}$, where $\lambda_{\max}$ is the largest eigenvalue of the Hessian
# $2 X^T X$ (see Exercise 1). The next cell computes that ceiling and runs the loop above it.

# %%
X = np.stack([np.ones_like(x), x, x**2, x**3], axis=1)
lambda_max = np.linalg.eigvalsh(2 * X.T @ X)[-1]
ceiling = 2 / lambda_max
big_rate = 4e-6
with np.errstate(over="ignore", invalid="ignore"):
    _, big_losses, big_rises = run_step09(learning_rate=big_rate)
print(f"Ceiling 2 / lambda_max = {ceiling:.3g}.")
print(f"Learning rate {big_rate:g}: the breakpoint condition first fires at iteration "
      f"{big_rises[0]},")
print(f"and it fires {len(big_rises)} times in total.")
print(f"The loss became non-finite at iteration {len(big_losses) - 1}, where the loop stopped.")

# %% [markdown]
# Above the ceiling the breakpoint would stop you at once, at the iteration printed above. Had you been
# sitting at the prompt, `p d, grad_d` would have shown $d$ jumping from one side of its best value to the
# other, further out each time: the update overshoots along the steep direction. The figure compares the two
# runs; the diverging one is cut off where it leaves the top of the plot.

# %% alt="Loss against iteration t on a log axis up to 1e30 for two runs: learning rate 1e-6, which falls and then flattens without ever rising, and learning rate 4e-6, which climbs along a straight line and leaves the top of the plot early on. A dotted vertical line at the very start marks where a breakpoint on loss > previous_loss would first stop" caption="A conditional breakpoint on a rising loss never fires for the stable run and stops the unstable one right at the start."
plt.figure(figsize=(7, 4))
plt.semilogy(losses, label="learning rate 1e-06 (loss never rises)")
shown = big_losses < 1e30  # the rest runs off the top of the plot
plt.semilogy(np.flatnonzero(shown), big_losses[shown], label=f"learning rate {big_rate:g} (loss rises)")
plt.ylim(1, 1e30)
plt.axvline(big_rises[0], color="gray", linestyle=":", label="first stop of loss > previous_loss")
plt.xlabel("iteration t")
plt.ylabel("loss")
plt.title("Where a conditional breakpoint on a rising loss would stop")
plt.legend()
plt.show()

# %% [markdown]
# ### A pdb session, exactly as you would type it
#
# To show real pdb output without anyone at the keyboard, the next cells feed pdb its commands from a
# string: `io.StringIO` holds the typed lines, and `use_rawinput = False` makes pdb read them from there.
# The small subclass echoes each command after the `(Pdb)` prompt, as a terminal would, and replaces the
# file path (it differs between a script and a notebook) by `step09.py`. Jupyter swaps `pdb.Pdb` for
# IPython's coloured version, so the cell takes the standard class from its ancestors.

# %%
StandardPdb = next(cls for cls in pdb.Pdb.__mro__ if cls.__module__ == "pdb")


class ScriptedPdb(StandardPdb):
    def precmd(self, line):
        self.stdout.write(line + "\n")  # echo the "typed" command
        return super().precmd(line)

    def format_stack_entry(self, frame_lineno, lprefix=": "):
        text = super().format_stack_entry(frame_lineno, lprefix)
        return text.replace(self.canonic(frame_lineno[0].f_code.co_filename), "step09.py")

# %% [markdown]
# The session stops at iteration 500, after the gradients are computed and just before the update. It
# prints the state, rounded so that each answer fits on one line, sets a `display` on `a`, steps over one
# line and continues to the end.

# %%
typed = io.StringIO(
    "p t, loss\n"
    "p np.round([a, b, c, d], 4)\n"
    "p np.round([grad_a, grad_b, grad_c, grad_d], 2)\n"
    "display round(a, 6)\n"
    "n\nl\nc\n"
)
transcript = io.StringIO()
debugger = ScriptedPdb(stdin=typed, stdout=transcript, nosigint=True, readrc=False)
debugger.use_rawinput = False
debugged_coefficients, debugged_losses, _ = run_step09(1e-6, debugger=debugger, stop_at=500)
print(transcript.getvalue())

# %% [markdown]
# The line starting with `>` says where pdb stopped (file, line number, function), and `->` marks the line
# about to run. `p t, loss` confirms the iteration and shows the loss. Recent NumPy versions print scalars as
# `np.float64(...)`; the number inside is the value. The next two commands wrap the coefficients and the
# gradients in `np.round`, which returns one short array instead of four long numbers each. Each
# coefficient is about to move opposite to the sign of its gradient, scaled by the learning rate.
#
# After `display round(a, 6)`, pdb shows the new and the old value of `a`, rounded to six decimals, once
# `n` has run the update line, so you see the update happen. `l` lists the code around the new position, and `c` lets the loop run to the end.
# Pausing changes nothing in the computation: the debugged run ends with exactly the same coefficients as
# the undisturbed one.

# %%
print(f"Same coefficients with and without the debugger: {debugged_coefficients == coefficients}")
print(f"Final loss of the debugged run: {debugged_losses[-1]:.4f}")

# %% [markdown]
# In your own terminal, leave out the scripted parts. Write `if t == 500: breakpoint()` in the loop, run
# `python step09.py`, and type the same commands at the `(Pdb)` prompt yourself.

# %% [markdown]
# ## Checks
#
# The cell below verifies the claims of this page.

# %%
session = transcript.getvalue()
assert os.environ["PYTHONBREAKPOINT"] == "0"
assert rises == [] and all(np.diff(losses) < 0) and len(losses) == 2000
assert 8.8 < losses[-1] < 8.9
assert 1e-6 < ceiling < big_rate
assert big_rises[0] == 1 and len(big_rises) > 100
assert not np.isfinite(big_losses[-1]) and len(big_losses) < 2000
assert session.count("(Pdb) ") == 7 and typed.read() == ""
assert session.startswith("> step09.py(") and "run_step09()" in session
assert "(Pdb) p t, loss\n(500, " in session
assert "display round(a, 6): " in session and "[old: " in session
assert "-> a = a - learning_rate * grad_a" in session and "->\t        b = b - learning_rate * grad_b" in session
assert debugged_coefficients == coefficients
assert np.array_equal(debugged_losses, losses)
