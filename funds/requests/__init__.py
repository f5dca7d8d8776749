"""Payment requests and their approval (maker–checker): finance prepares a payment as a request, with
its documents; another finance account allowed to approve (`User.can_approve`) approves it, which
posts the payment through the ledger, or rejects it with a reason. Which payments need approval is a
fund rule (`payment_approval`); the payments it lets through post at once."""
