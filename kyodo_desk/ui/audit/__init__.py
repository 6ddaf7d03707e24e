"""監査ログ: the administrators' screen over the audit trail."""
