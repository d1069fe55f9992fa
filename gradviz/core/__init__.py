"""The math core of gradviz: formulas, derivatives, grids, descent runs, scenarios. No GUI imports here."""
