"""The demo county: illustrative data (`data`), its pure planning (`plan`), the loader (`seed`) and
the `flask seed-demo` command (`cli`)."""
