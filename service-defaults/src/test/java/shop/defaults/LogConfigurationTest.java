package shop.defaults;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.ClassicConstants;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;

class LogConfigurationTest {

    @Test
    void logsOneLinePerEventOnStandardOutputByDefault() throws Exception {
        LoggerContext context = new LoggerContext();
        new ContextInitializer(context).autoConfig();
        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        assertThat(root.getLevel()).isEqualTo(Level.INFO);
        assertThat(root.getAppender("console")).isNotNull();
    }

    @Test
    void stepsAsideForTheConfigurationFileTheOperatorNames(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("logback.xml");
        Files.writeString(file, """
                <configuration>
                  <appender name="mine" class="ch.qos.logback.core.ConsoleAppender">
                    <encoder><pattern>%level %logger %msg%n</pattern></encoder>
                  </appender>
                  <root level="WARN"><appender-ref ref="mine"/></root>
                </configuration>
                """);
        System.setProperty(ClassicConstants.CONFIG_FILE_PROPERTY, file.toString());
        try {
            LoggerContext context = new LoggerContext();
            new ContextInitializer(context).autoConfig();
            ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
            assertThat(root.getLevel()).isEqualTo(Level.WARN);
            assertThat(root.getAppender("mine")).isNotNull();
            assertThat(root.getAppender("console")).isNull();
        } finally {
            System.clearProperty(ClassicConstants.CONFIG_FILE_PROPERTY);
        }
    }
}
