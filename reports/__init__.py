"""Leadership: the dashboard, charts, earned value and the printable report."""
