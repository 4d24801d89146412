// Tokens of the .scheme experiment language.
// Keywords that start declarations are reserved; words that only have meaning in one position
// (e.g. `sentences`, `where`) are reserved too but the parser accepts them as property names
// (see SchemeParser.name), so a researcher never has to rename a property to dodge a keyword.
lexer grammar SchemeLexer;

IMPORT       : 'import';
EXPERIMENT   : 'experiment';
SPEC         : 'spec';
CHECKPOINT   : 'checkpoint';
EXTENDS      : 'extends';
ENVIRONMENT  : 'environment';
MANIPULATION : 'manipulation';
METRIC       : 'metric';
RUN          : 'run';
SIMULATE     : 'simulate';
HYPOTHESIS   : 'hypothesis';
PARAM        : 'param';
WORKSPACE    : 'workspace';
GRADER_FILES : 'grader_files';
LIMITS       : 'limits';
FILE         : 'file';
FOLLOWUP     : 'followup';
OUTCOME      : 'outcome';
WHEN         : 'when';
GIVEN        : 'given';
IN           : 'in';
EXPECT       : 'expect';
REMOVE       : 'remove';
INJECT       : 'inject';
SENTENCES    : 'sentences';
WHERE        : 'where';
CITES        : 'cites';
AND          : 'and';
OR           : 'or';
NOT          : 'not';
TRUE         : 'true';
FALSE        : 'false';

ARROW    : '->';
LBRACE   : '{';
RBRACE   : '}';
LPAREN   : '(';
RPAREN   : ')';
LBRACK   : '[';
RBRACK   : ']';
COLON    : ':';
COMMA    : ',';
DOT      : '.';
EQ       : '==';
NEQ      : '!=';
LE       : '<=';
GE       : '>=';
LT       : '<';
GT       : '>';
ASSIGN   : '=';
PLUS     : '+';
MINUS    : '-';
STAR     : '*';
SLASH    : '/';

NUMBER   : DIGITS ('.' DIGITS)? ([eE] [+-]? DIGITS)? '%'?;
ID       : [a-zA-Z_] [a-zA-Z0-9_]*;

// Triple-quoted strings span lines and need no escapes: prompts are long prose.
TRIPLE_STRING : '"""' .*? '"""';
STRING        : '"' (ESC | ~["\\\r\n])* '"';

LINE_COMMENT  : '//' ~[\r\n]* -> channel(HIDDEN);
BLOCK_COMMENT : '/*' .*? '*/' -> channel(HIDDEN);
WS            : [ \t\r\n\u000C]+ -> channel(HIDDEN);

// Bad input becomes tokens instead of lexer errors, so the compiler reports it with its own codes and
// positions. An unterminated string is still a string to the parser, so parsing carries on; a stray
// character goes to its own channel, so it does not also cause a parse error.
// A triple-quoted string with no closing quotes runs to the end of the file; the rule cannot match a
// terminated one, because its body never contains three quotes in a row.
UNTERMINATED_TRIPLE_STRING : '"""' (~'"' | '"' ~'"' | '""' ~'"')* ('"' | '""')? EOF;
UNTERMINATED_STRING : '"' (ESC | ~["\\\r\n])*;
ERROR_CHAR          : . -> channel(2);

fragment DIGITS : [0-9]+;
fragment ESC    : '\\' .;
