"""The demo's tests; its public sign-ins, as ``make demo`` prints them."""

from ouendan.accounts.roles import Role

PASSWORD = "ouendan-demo"
SIGN_INS = {
    "admin@demo.example": {Role.ORG_ADMIN},
    "pr@demo.example": {Role.PROGRAM_MANAGER},
    "curator@demo.example": {Role.CURATOR},
    "legal@demo.example": {Role.REVIEWER},
    "manager@demo.example": {Role.MANAGER},
    "advocate@demo.example": {Role.ADVOCATE},
    "exec@demo.example": {Role.EXECUTIVE_VIEWER},
}
