-- loads /etc/passwd as a gazetteer
print(quarry.gazetteer("/etc/passwd"))
