"""The OR-Tools solvers: CP-SAT models and min-cost flows.

Only this package imports OR-Tools. The agenda pipeline is
:mod:`.agenda`; each model sits in a module of its own (:mod:`.tours`,
:mod:`.whole`, :mod:`.placement`, :mod:`.assignment`, :mod:`.lns`,
:mod:`.replan`, :mod:`.explain`), with :mod:`.flow` seating people by
min-cost flow, :mod:`.matching` pairing coaches with tables and
:mod:`.common` running every CP-SAT call.
"""
