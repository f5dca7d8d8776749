"""Planning office: administrative areas, projects, milestones and their progress."""
