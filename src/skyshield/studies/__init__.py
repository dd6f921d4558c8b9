"""The workflows as a library: assess, Monte Carlo, sweep, sensitivity, backtest, counterfactual.

Each study is a function that takes plain Python objects (a scenario, a raid, a count, an
executor, a store, a progress callback) and returns a typed result.  The command line and the
web app are thin shells over these functions; they never loop over replications themselves.
"""
