"""Privacy duties (APPI): requests about a person or an organization, retention, the file register."""
