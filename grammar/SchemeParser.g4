// Syntax of the .scheme experiment language.
// The grammar is deliberately permissive about which members appear in which declaration: a block is a
// list of members, and the binder says "`max_turns` is not a property of a checkpoint" with a code and a
// suggestion, which is a far better message than a parser's "mismatched input".
parser grammar SchemeParser;

options { tokenVocab = SchemeLexer; }

compilationUnit : importDirective* declaration* EOF ;

importDirective : IMPORT string ;

declaration
    : EXPERIMENT name block                                  # experimentDeclaration
    | SPEC name block                                        # specDeclaration
    | CHECKPOINT name (EXTENDS name)? block                  # checkpointDeclaration
    | ENVIRONMENT name (EXTENDS name)? block                 # environmentDeclaration
    | MANIPULATION name block                                # manipulationDeclaration
    | METRIC name (IN environmentList)? ASSIGN expression    # metricDeclaration
    | RUN name block                                         # runDeclaration
    | SIMULATE name? block                                   # simulateDeclaration
    | HYPOTHESIS name string? block                          # hypothesisDeclaration
    ;

// `metric name in [A, B] = ...`: the environments a metric is defined over.
environmentList : LBRACK name (COMMA name)* COMMA? RBRACK | name ;

block : LBRACE member* RBRACE ;

member
    : name COLON expression                                  # propertyMember
    | PARAM name COLON expression                            # paramMember
    | (WORKSPACE | GRADER_FILES) LBRACE workspaceFile* RBRACE # workspaceMember
    | LIMITS block                                           # limitsMember
    | OUTCOME name COLON expression                          # outcomeMember
    | FOLLOWUP string (WHEN expression)? ARROW name COLON expression # followupMember
    | EXPECT expression                                      # expectMember
    | name (LBRACK argumentList RBRACK)? ASSIGN expression   # assignmentMember
    ;

workspaceFile : FILE string ASSIGN expression ;

expression
    : primary                                                # primaryExpression
    | expression DOT name                                    # memberAccessExpression
    | expression LBRACK argumentList RBRACK                  # indexExpression
    | MINUS expression                                       # negateExpression
    | expression op=(STAR | SLASH) expression                # multiplicativeExpression
    | expression op=(PLUS | MINUS) expression                # additiveExpression
    | expression op=(LT | LE | GT | GE) expression           # relationalExpression
    | expression op=(EQ | NEQ) expression                    # equalityExpression
    | expression CITES name (DOT name)?                      # citesExpression
    // Below the comparisons, as in Python and SQL: `not n < 3` is `not (n < 3)`.
    | NOT expression                                         # notExpression
    | expression AND expression                              # andExpression
    | expression OR expression                               # orExpression
    // Lowest of all: `rate(confessed given covert_action)` conditions the whole value on the whole condition.
    | expression GIVEN expression                            # givenExpression
    ;

primary
    : NUMBER                                                 # numberLiteral
    | string                                                 # stringLiteral
    | (TRUE | FALSE)                                         # booleanLiteral
    | LBRACK (expressionList COMMA?)? RBRACK                 # listLiteral
    | LPAREN expression RPAREN                               # parenthesizedExpression
    | SPEC name                                              # specReference
    | REMOVE SENTENCES WHERE expression                      # removeSentencesExpression
    | INJECT expression                                      # injectExpression
    | name LPAREN argumentList? RPAREN                       # callExpression
    | name                                                   # nameReference
    ;

expressionList : expression (COMMA expression)* ;

argumentList : argument (COMMA argument)* COMMA? ;

argument : (name COLON)? expression ;

string : STRING | TRIPLE_STRING | UNTERMINATED_STRING | UNTERMINATED_TRIPLE_STRING ;

// Soft keywords: words that are keywords in one position are still usable as names elsewhere.
name
    : ID | FILE | PARAM | WORKSPACE | GRADER_FILES | LIMITS | SENTENCES | WHERE | REMOVE | INJECT | EXPECT | RUN | METRIC
    | SPEC | CHECKPOINT | ENVIRONMENT | EXPERIMENT | MANIPULATION | SIMULATE | HYPOTHESIS | FOLLOWUP
    | IMPORT | EXTENDS | OUTCOME | WHEN | GIVEN | IN
    ;
