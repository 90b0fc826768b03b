"""Counterfactual options: what each alternate, candidate, stock or what-if is worth."""
