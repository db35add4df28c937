# Warnings are errors everywhere: host code and freestanding code alike.
set(AFTERBURNER_WARNING_FLAGS -Wall -Wextra -Werror)

# afterburner_enable_warnings(TARGET): the project's warning set for one target.
function(afterburner_enable_warnings target)
  target_compile_options(${target} PRIVATE
    $<$<COMPILE_LANGUAGE:C,CXX>:${AFTERBURNER_WARNING_FLAGS}>)
endfunction()
