"""Static data the demo is built from: companies, departments, sign-ins, names and readings."""
