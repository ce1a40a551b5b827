-- backtracks for ever inside one gsub
print(("a"):rep(2e5):gsub(".-.-.-.-b", ""))
