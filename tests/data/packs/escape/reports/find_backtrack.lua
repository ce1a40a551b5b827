-- backtracks for ever inside one string.find
print(("a"):rep(2e5):find(".-.-.-.-b"))
